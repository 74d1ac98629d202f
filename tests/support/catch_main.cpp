// The one Catch2 main of every test executable.
//
// Catch2 2.13's console reporter loops forever printing a failing test whose name wraps
// and has ": " near the end of the first line (it indents the continuation to just after
// the ": ", and with 80 columns nothing fits there): a failure would hang the run until
// CTest's timeout instead of failing. With 160 columns our names (132 characters at most)
// never wrap.
#define CATCH_CONFIG_CONSOLE_WIDTH 160
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
