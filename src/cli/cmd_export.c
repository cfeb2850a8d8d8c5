/* kivumap export: placeholder until its issue lands. */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'export' is not built yet");
    return KVM_EXIT_FAILURE;
}

const kvm_command kvm_cmd_export = {
    "export", run, "usage: kivumap export\n", "(not built yet)",
};
