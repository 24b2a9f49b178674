/* Empty application callbacks so test programs link against c-client. */
#include "../../lib/mm_callbacks.h"
