/* Shared by the commands that take places and print tables (distance,
 * places): coordinates vs names, the note for ambiguous names, and column
 * alignment of UTF-8 text. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

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

size_t cli_display_width(const char *s)
{
    size_t width = 0, len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp;
        i += kvm_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x200B)
            continue;
        width++;
    }
    return width;
}

void cli_put_padded(const char *s, size_t width, int right_align)
{
    size_t w = cli_display_width(s);
    if (right_align)
        for (size_t i = w; i < width; i++)
            putchar(' ');
    fputs(s, stdout);
    if (!right_align)
        for (size_t i = w; i < width; i++)
            putchar(' ');
}
