/* kivumap extract: placeholder until its issue lands. */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'extract' is not built yet");
    return KVM_EXIT_FAILURE;
}

const kvm_command kvm_cmd_extract = {
    "extract", run, "usage: kivumap extract\n", "(not built yet)",
};
