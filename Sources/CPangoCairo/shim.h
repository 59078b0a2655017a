#ifndef EXPOSURE_CPANGOCAIRO_SHIM_H
#define EXPOSURE_CPANGOCAIRO_SHIM_H
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#endif
