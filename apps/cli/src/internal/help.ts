import { type Command, Help, type Option } from 'commander';

/**
 * Ends a command's help with real invocations. Each example is
 * `[command line, what it does]`; the command line starts after `inference `.
 */
export function withExamples(cmd: Command, examples: readonly (readonly [string, string])[]): Command {
  return cmd.addHelpText('after', examplesText(examples));
}

/** The `Examples:` block itself, for `.addHelpText('after', ...)` inside an option chain. */
export function examplesText(examples: readonly (readonly [string, string])[]): string {
  const lines = examples.map(([line, what]) => `  # ${what}\n  $ inference ${line}`);
  return `\nExamples:\n${lines.join('\n')}`;
}

/**
 * Help settings for every command (subcommands inherit them): option
 * descriptions leave out commander's `(default: [])` for repeatable options
 * that start empty, since an empty list tells the reader nothing.
 */
export const helpConfig: Partial<Help> = {
  optionDescription(this: Help, option: Option): string {
    const empty = Array.isArray(option.defaultValue) && option.defaultValue.length === 0;
    if (!empty || option.defaultValueDescription !== undefined) {
      return Help.prototype.optionDescription.call(this, option);
    }
    const shown = Object.assign(Object.create(Object.getPrototypeOf(option)), option, {
      defaultValue: undefined,
    });
    return Help.prototype.optionDescription.call(this, shown);
  },
};
