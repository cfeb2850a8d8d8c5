/* kivumap check: placeholder until its issue lands. */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'check' is not built yet");
    return KVM_EXIT_FAILURE;
}

const kvm_command kvm_cmd_check = {
    "check", run, "usage: kivumap check\n", "(not built yet)",
};
