#define _POSIX_C_SOURCE 200809L
/* Fuzz harness: the events JSON / JSON Lines reader behind `--events FILE`.
 * All or nothing: a failed read leaves the set empty; a good one can be
 * written back out and read again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kivumap/kivumap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kvm_eventset *set = kvm_eventset_new();
    if (!set)
        return 0;
    kvm_error err = {0};
    if (kvm_report_read_buffer(set, "fuzz.json", (const char *)data, size, &err) != KVM_OK) {
        if (kvm_eventset_event_count(set) != 0 || kvm_eventset_article_count(set) != 0)
            abort();
    } else {
        kvm_eventset_merge_duplicates(set, NULL);
        kvm_eventset_compute_advances(set, NULL);
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        if (mem) {
            kvm_report_write_json(set, mem, NULL);
            fclose(mem);
            kvm_eventset *again = kvm_eventset_new();
            if (again && kvm_report_read_buffer(again, "again.json", buf, len, &err) != KVM_OK)
                abort(); /* what we write we must read back */
            kvm_eventset_free(again);
            free(buf);
        }
    }
    kvm_eventset_free(set);
    return 0;
}
