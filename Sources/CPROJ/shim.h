#ifndef EXPOSURE_CPROJ_SHIM_H
#define EXPOSURE_CPROJ_SHIM_H
#include <proj.h>
#include <geodesic.h>
#endif
