/* kivumap places: placeholder until its issue lands. */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'places' is not built yet");
    return KVM_EXIT_FAILURE;
}

const kvm_command kvm_cmd_places = {
    "places", run, "usage: kivumap places\n", "(not built yet)",
};
