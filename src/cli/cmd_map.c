/* kivumap map: placeholder until its issue lands. */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'map' is not built yet");
    return KVM_EXIT_FAILURE;
}

const kvm_command kvm_cmd_map = {
    "map", run, "usage: kivumap map\n", "(not built yet)",
};
