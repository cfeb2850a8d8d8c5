/* Internal to event extraction: actor phrases in a token stream. */
#ifndef KIVUMAP_EVENTS_ACTORS_H
#define KIVUMAP_EVENTS_ACTORS_H

#include <stddef.h>

#include "events_internal.h"

enum { KVM_EV_SIDE_OTHER = 0, KVM_EV_SIDE_REBEL = 1, KVM_EV_SIDE_GOVERNMENT = 2 };

typedef struct kvm_ev_actor {
    size_t first; /* token span */
    size_t last;
    const char *name; /* canonical ("M23", "FARDC"), static; NULL for "the rebels" */
    int side;         /* KVM_EV_SIDE_* */
} kvm_ev_actor;

/* Actor phrases of a sentence in text order; mentions resolve place tokens
 * ("Rwanda's army").  Returns how many were written (at most cap). */
size_t kvm_ev_find_actors(const ev_token *toks, size_t n, const kvm_mention *mentions,
                          kvm_ev_actor *out, size_t cap);

/* 1 for the government and its allies (FARDC, Wazalendo, SADC, MONUSCO,
 * Burundian army, UPDF): their captures are ACLED's "Government regains
 * territory". */
int kvm_ev_actor_is_government_side(const char *name);

#endif /* KIVUMAP_EVENTS_ACTORS_H */
