#include "parser/format_flowed.h"

#include <catch2/catch.hpp>

using ticketd::unflow_text;

TEST_CASE("format=flowed paragraphs are joined back into one line", "[format_flowed]") {
  CHECK(unflow_text("This is a long \nparagraph that \nwraps.\nNew line.\n", false) ==
        "This is a long paragraph that wraps.\nNew line.\n");
}

TEST_CASE("format=flowed with DelSp=yes removes the space at the soft break", "[format_flowed]") {
  CHECK(unflow_text("東京 \n都\n", true) == "東京都\n");
}

TEST_CASE("format=flowed keeps the signature separator and quote depth", "[format_flowed]") {
  CHECK(unflow_text("Thanks \nBob\n-- \nBob Smith\n", false) == "Thanks Bob\n-- \nBob Smith\n");
  CHECK(unflow_text("> quoted \n> more\nmine\n", false) == "> quoted more\nmine\n");
  CHECK(unflow_text(" From here\n", false) == "From here\n");  // space-stuffed
}
