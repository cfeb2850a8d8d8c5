/* kivumap distance: placeholder until its issue lands. */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'distance' is not built yet");
    return KVM_EXIT_FAILURE;
}

const kvm_command kvm_cmd_distance = {
    "distance", run, "usage: kivumap distance\n", "(not built yet)",
};
