// Agent commands (issue 6, point 4): the "#status resolved" lines an agent
// writes at the top of a reply from their mail client.
//
// Syntax: after any blank lines, each line that starts with '#' and a letter
// is a command, until the first other non-blank line; from there on
// everything is text, '#' or not ("#1001 is fixed" is text: a digit after
// '#' is not a command). Names and values are case-insensitive.
//   #status resolved|pending|on-hold|open|closed
//   #priority low|normal|high|urgent
//   #assign NAME|me        (an agent of the config; "me" is the sender)
//   #group NAME            (a group of the config)
//   #tag a b ...           (one or more; commas separate too)
//   #untag a ...
//   #note [text]           (the whole mail becomes an internal note)
//   #canned NAME           (a canned answer of templates/<lang>/canned/)
//
// parse_agent_commands is pure: it reads the reply and the vocabulary and
// returns the commands, the text without them, and EVERY problem found (an
// unknown command or value, a command given twice, a #note with #canned).
// The caller applies nothing unless `problems` is empty (nothing is ever
// half-applied) and then answers the agent with the problems listed.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

struct AgentCommand {
  enum class Kind { status, priority, assign, group, tag, untag, note, canned };
  Kind kind = Kind::note;
  std::vector<std::string> values;  // normalised: status/priority lower case, names as in the config
  std::string line;                 // as written, for messages to the agent
};

struct CommandVocabulary {
  std::string self;                 // the sending agent's name ("#assign me")
  std::vector<std::string> agents;  // agent names of the config
  std::vector<std::string> groups;  // group names of the config
  // Whether a canned answer exists; when empty, every name is accepted.
  std::function<bool(std::string_view)> canned_exists;
};

struct CommandParse {
  std::vector<AgentCommand> commands;  // in the order written
  std::vector<std::string> problems;   // one line each, e.g. "#status solved: unknown status (use ...)"
  std::string text;                    // the reply without the command lines, leading blank lines dropped
  bool note = false;                   // a #note was given
  std::string note_text;               // text written after "#note" on its own line, if any
};

CommandParse parse_agent_commands(std::string_view reply, const CommandVocabulary& vocabulary);

const char* command_name(AgentCommand::Kind kind);

}  // namespace ticketd
