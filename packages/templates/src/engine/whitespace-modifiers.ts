/**
 * jinja2's `{%+ … %}` keeps the indentation `lstrip_blocks` would remove, and
 * `{% … +%}` keeps the newline `trim_blocks` would remove. The engine knows
 * neither, so the kept whitespace is turned into printed string literals and
 * the markers are dropped.
 */
export function applyWhitespaceModifiers(source: string): string {
  if (!source.includes('{%+') && !source.includes('+%}')) return source;
  return source
    .replace(
      /^([ \t]*)\{%\+/gm,
      (_match, indentation: string) => `${indentation ? `{{ '${indentation.replace(/\t/g, '\\t')}' }}` : ''}{%`,
    )
    .replace(/\{%\+/g, '{%')
    .replace(/\+%\}\n/g, "%}{{ '\\n' }}")
    .replace(/\+%\}/g, '%}');
}
