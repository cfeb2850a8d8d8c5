/* Place arguments shared by the commands that take them (distance, places):
 * coordinates vs names, and the note for ambiguous names. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_looks_like_coordinates(const char *text)
{
    char c = text[0];
    if (c == '-' || c == '+')
        c = text[1];
    return (c >= '0' && c <= '9') || c == '.';
}

/* "town, Masisi, North Kivu" */
static void describe_place(const kvm_place *pl, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s%s%s", kvm_place_kind_name(pl->kind), pl->admin2[0] ? ", " : "",
             pl->admin2, pl->admin1[0] ? ", " : "", pl->admin1);
}

void cli_warn_ambiguous(const kvm_gazetteer *gaz, const char *text, const kvm_place *used)
{
    const kvm_place *cands[16];
    size_t n = kvm_gazetteer_lookup(gaz, text, cands, 16);
    char others[1024] = "", desc[256];
    size_t len = 0;
    for (size_t i = 0; i < n && i < 16; i++) {
        if (cands[i] == used)
            continue;
        int w = snprintf(others + len, sizeof others - len, "%s%s", len ? ", " : "", cands[i]->id);
        if (w < 0 || (size_t)w >= sizeof others - len)
            break;
        len += (size_t)w;
    }
    if (n > 16 && len + 6 < sizeof others)
        strcat(others, ", ...");
    describe_place(used, desc, sizeof desc);
    cli_error("'%s' is ambiguous (%zu places); using %s (%s); pass an id to choose another: %s",
              text, n, used->id, desc, others);
}
