/* Event extraction: who.  Actor phrases mapped to canonical names (ACLED's
 * main actors of the North Kivu war).  AFC (Alliance Fleuve Congo / Congo
 * River Alliance), the political-military coalition M23 leads, is recorded
 * as "M23" so reports that name either merge into one event. */
#include <string.h>

#include "events_actors.h"

typedef struct actor_entry {
    const char *phrase;
    const char *name;
    int side;
} actor_entry;

static const actor_entry actor_table[] = {
    {"m23", "M23", KVM_EV_SIDE_REBEL},
    {"m 23", "M23", KVM_EV_SIDE_REBEL},
    {"afc", "M23", KVM_EV_SIDE_REBEL},
    {"alliance fleuve congo", "M23", KVM_EV_SIDE_REBEL},
    {"congo river alliance", "M23", KVM_EV_SIDE_REBEL},
    {"march 23 movement", "M23", KVM_EV_SIDE_REBEL},
    {"mouvement du 23 mars", "M23", KVM_EV_SIDE_REBEL},
    {"fardc", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"congolese army", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"congolese armed forces", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"congolese military", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"congolese troops", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"congolese soldiers", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"congolese forces", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"government forces", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"government troops", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"government soldiers", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"government army", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"pro government forces", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"loyalist forces", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"loyalist troops", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"national army", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"armed forces", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"army", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"military", "FARDC", KVM_EV_SIDE_GOVERNMENT},
    {"wazalendo", "Wazalendo", KVM_EV_SIDE_GOVERNMENT},
    {"mai mai", "Wazalendo", KVM_EV_SIDE_GOVERNMENT},
    {"mayi mayi", "Wazalendo", KVM_EV_SIDE_GOVERNMENT},
    {"pro government militia", "Wazalendo", KVM_EV_SIDE_GOVERNMENT},
    {"pro government militias", "Wazalendo", KVM_EV_SIDE_GOVERNMENT},
    {"pro government militiamen", "Wazalendo", KVM_EV_SIDE_GOVERNMENT},
    {"pro government fighters", "Wazalendo", KVM_EV_SIDE_GOVERNMENT},
    {"pro government armed groups", "Wazalendo", KVM_EV_SIDE_GOVERNMENT},
    {"fdlr", "FDLR", KVM_EV_SIDE_OTHER},
    {"adf", "ADF", KVM_EV_SIDE_REBEL},
    {"allied democratic forces", "ADF", KVM_EV_SIDE_REBEL},
    {"iscap", "ADF", KVM_EV_SIDE_REBEL},
    {"sadc", "SADC", KVM_EV_SIDE_GOVERNMENT},
    {"samidrc", "SADC", KVM_EV_SIDE_GOVERNMENT},
    {"southern african development community", "SADC", KVM_EV_SIDE_GOVERNMENT},
    {"southern african troops", "SADC", KVM_EV_SIDE_GOVERNMENT},
    {"southern african forces", "SADC", KVM_EV_SIDE_GOVERNMENT},
    {"monusco", "MONUSCO", KVM_EV_SIDE_GOVERNMENT},
    {"un peacekeepers", "MONUSCO", KVM_EV_SIDE_GOVERNMENT},
    {"united nations peacekeepers", "MONUSCO", KVM_EV_SIDE_GOVERNMENT},
    {"peacekeepers", "MONUSCO", KVM_EV_SIDE_GOVERNMENT},
    {"blue helmets", "MONUSCO", KVM_EV_SIDE_GOVERNMENT},
    {"burundian army", "Burundian army", KVM_EV_SIDE_GOVERNMENT},
    {"burundian troops", "Burundian army", KVM_EV_SIDE_GOVERNMENT},
    {"burundian soldiers", "Burundian army", KVM_EV_SIDE_GOVERNMENT},
    {"burundian forces", "Burundian army", KVM_EV_SIDE_GOVERNMENT},
    {"burundian army forces", "Burundian army", KVM_EV_SIDE_GOVERNMENT},
    {"burundian military", "Burundian army", KVM_EV_SIDE_GOVERNMENT},
    {"fdnb", "Burundian army", KVM_EV_SIDE_GOVERNMENT},
    {"updf", "UPDF", KVM_EV_SIDE_GOVERNMENT},
    {"ugandan army", "UPDF", KVM_EV_SIDE_GOVERNMENT},
    {"ugandan troops", "UPDF", KVM_EV_SIDE_GOVERNMENT},
    {"ugandan soldiers", "UPDF", KVM_EV_SIDE_GOVERNMENT},
    {"ugandan forces", "UPDF", KVM_EV_SIDE_GOVERNMENT},
    {"ugandan military", "UPDF", KVM_EV_SIDE_GOVERNMENT},
    {"rdf", "RDF", KVM_EV_SIDE_OTHER},
    {"rwandan army", "RDF", KVM_EV_SIDE_OTHER},
    {"rwandan troops", "RDF", KVM_EV_SIDE_OTHER},
    {"rwandan soldiers", "RDF", KVM_EV_SIDE_OTHER},
    {"rwandan forces", "RDF", KVM_EV_SIDE_OTHER},
    {"rwandan military", "RDF", KVM_EV_SIDE_OTHER},
    {"codeco", "CODECO", KVM_EV_SIDE_REBEL},
    {"rebel group", NULL, KVM_EV_SIDE_REBEL},
    {"rebel fighters", NULL, KVM_EV_SIDE_REBEL},
    {"rebel forces", NULL, KVM_EV_SIDE_REBEL},
    {"rebel movement", NULL, KVM_EV_SIDE_REBEL},
    {"rebel coalition", NULL, KVM_EV_SIDE_REBEL},
    {"rebels", NULL, KVM_EV_SIDE_REBEL},
    {"insurgents", NULL, KVM_EV_SIDE_REBEL},
    {"the group", NULL, KVM_EV_SIDE_REBEL},
};

/* Words that continue an actor's name: "M23 rebels", "FDLR militia". */
static const char *const actor_tails[] = {"rebels",    "rebel",     "group",    "fighters",
                                          "movement",  "militia",   "militias", "militiamen",
                                          "forces",    "troops",    "soldiers", "insurgents",
                                          "coalition", "spokesman", "alliance", NULL};

static const char *country_army(const char *country)
{
    if (strcmp(country, "CD") == 0)
        return "FARDC";
    if (strcmp(country, "BI") == 0)
        return "Burundian army";
    if (strcmp(country, "UG") == 0)
        return "UPDF";
    if (strcmp(country, "RW") == 0)
        return "RDF";
    return NULL;
}

static const char *const army_words[] = {"army",     "troops",  "soldiers", "forces",
                                         "military", "defence", "defense",  NULL};

#define N_ACTORS (sizeof actor_table / sizeof actor_table[0])

/* actor_table indices by first byte (table order kept within a byte):
 * actor_by_first[actor_first[c] .. actor_first[c + 1]).  Built once, with
 * the keyword table. */
static unsigned short actor_first[257];
static unsigned short actor_by_first[N_ACTORS];

static void build_actor_buckets(void)
{
    size_t counts[257] = {0};
    for (size_t e = 0; e < N_ACTORS; e++)
        counts[(unsigned char)actor_table[e].phrase[0] + 1]++;
    for (size_t c = 0; c < 256; c++)
        counts[c + 1] += counts[c];
    for (size_t c = 0; c <= 256; c++)
        actor_first[c] = (unsigned short)counts[c];
    for (size_t e = 0; e < N_ACTORS; e++)
        actor_by_first[counts[(unsigned char)actor_table[e].phrase[0]]++] = (unsigned short)e;
}

void kvm_ev_register_actor_words(void)
{
    build_actor_buckets();
    for (size_t e = 0; e < sizeof actor_table / sizeof actor_table[0]; e++)
        kvm_ev_keywords_add_phrase(actor_table[e].phrase, EV_F_ACTOR, EV_K_ACTOR);
    kvm_ev_keywords_add_list(army_words, EV_F_ARMY);
    kvm_ev_keywords_add_list(actor_tails, EV_L_ACTOR_TAIL);
}

size_t kvm_ev_find_actors(const ev_token *toks, size_t n, const kvm_mention *mentions,
                          kvm_ev_actor *out, size_t cap)
{
    size_t count = 0;
    for (size_t i = 0; i < n && count < cap;) {
        const ev_token *t = &toks[i];
        size_t best = 0;
        const actor_entry *hit = NULL;
        const char *country_name = NULL;
        if (t->kind == EV_TOK_PLACE) {
            /* "Rwanda's army", "Uganda Peoples Defence Forces", "DRC army" */
            const kvm_place *p = mentions ? mentions[t->mention].place : NULL;
            size_t k = i + 1;
            if (k + 1 < n && kvm_ev_is(&toks[k], "'") && kvm_ev_is(&toks[k + 1], "s"))
                k += 2;
            if (p && p->kind == KVM_KIND_COUNTRY && k < n && kvm_ev_has(&toks[k], EV_F_ARMY)) {
                country_name = country_army(p->country);
                if (country_name)
                    best = k + 1 - i;
            }
        } else if (kvm_ev_has(t, EV_F_ACTOR)) {
            unsigned char c0 = (unsigned char)t->text[0];
            for (size_t b = actor_first[c0]; b < actor_first[c0 + 1]; b++) {
                size_t e = actor_by_first[b];
                size_t m = kvm_ev_match(toks, n, i, actor_table[e].phrase);
                if (m > best) {
                    best = m;
                    hit = &actor_table[e];
                }
            }
        }
        if (!best) {
            i++;
            continue;
        }
        kvm_ev_actor *a = &out[count++];
        a->first = i;
        a->name = hit ? hit->name : country_name;
        a->side = hit ? hit->side : KVM_EV_SIDE_OTHER;
        if (a->name && strcmp(a->name, "FARDC") == 0)
            a->side = KVM_EV_SIDE_GOVERNMENT;
        size_t k = i + best;
        if (a->name) {
            /* "AFC/M23", "M23 rebels", "ADF militia" */
            if (k + 1 < n && kvm_ev_is(&toks[k], "/") && kvm_ev_is(&toks[k + 1], "m23"))
                k += 2;
            while (k < n && kvm_ev_has(&toks[k], EV_L_ACTOR_TAIL))
                k++;
        }
        a->last = k - 1;
        i = k;
    }
    return count;
}

int kvm_ev_actor_is_government_side(const char *name)
{
    static const char *const names[] = {"FARDC",          "Wazalendo", "SADC", "MONUSCO",
                                        "Burundian army", "UPDF",      NULL};
    if (!name)
        return 0;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}
