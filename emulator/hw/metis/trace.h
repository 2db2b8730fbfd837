#include "trace/trace-hw_metis.h"
