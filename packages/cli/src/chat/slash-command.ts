/** A line of the chat REPL that starts with `/`: a command to the REPL, not a message. */
export interface SlashCommand {
  /** The command's name, lower case, without the slash: `reset`, `system`, `save`... */
  name: string;
  /** The rest of the line, trimmed (`''` when there is none). */
  argument: string;
}

/** The REPL's commands and what `/help` says of each. */
export const SLASH_COMMANDS: ReadonlyArray<{ usage: string; description: string }> = [
  { usage: '/reset', description: 'start a new conversation (the system message stays)' },
  { usage: '/system <text>', description: 'set the system message and start a new conversation (/system alone shows it)' },
  { usage: '/save <file>', description: 'save the conversation as JSON (ChatSession.toJSON)' },
  { usage: '/load <file>', description: 'restore a conversation saved with /save' },
  { usage: '/help', description: 'show this help' },
  { usage: '/exit', description: 'leave (as do Ctrl-D, and Ctrl-C at an empty prompt)' },
];

/**
 * Reads a REPL line as a slash command: `/save notes.json` is `{ name: 'save', argument:
 * 'notes.json' }`. Anything else (including `//text`, the escape to send a message that starts
 * with a slash) is not one: undefined.
 */
export function parseSlashCommand(line: string): SlashCommand | undefined {
  const match = /^\/([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(line.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), argument: (match[2] ?? '').trim() };
}

/** `/help`'s text. */
export function slashCommandHelp(): string {
  const width = Math.max(...SLASH_COMMANDS.map((command) => command.usage.length));
  return [
    ...SLASH_COMMANDS.map((command) => `  ${command.usage.padEnd(width)}  ${command.description}`),
    '  Ctrl-C while a reply streams stops it; //text sends a message that starts with a slash.',
  ].join('\n');
}
