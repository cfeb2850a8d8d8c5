/* kivumap: news articles about the war in North Kivu -> places, events,
 * distances, maps and GIS layers.  Include this one header for everything. */
#ifndef KIVUMAP_KIVUMAP_H
#define KIVUMAP_KIVUMAP_H

#include "kivumap/core.h"
#include "kivumap/gazetteer.h"
#include "kivumap/geodesy.h"
#include "kivumap/article.h"
#include "kivumap/geoparse.h"
#include "kivumap/events.h"
#include "kivumap/report.h"
#include "kivumap/map.h"
#include "kivumap/export.h"

#endif /* KIVUMAP_KIVUMAP_H */
