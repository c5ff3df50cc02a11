/** How the app names a model: its catalog name, else its id (the file name without \`.gguf\`). */
export function modelLabel(model: { id: string; catalogName: string | null }): string {
  return model.catalogName ?? model.id;
}

/** Models in the order the app lists them: by name, as a person would look for one. */
export function byLabel<T extends { id: string; catalogName: string | null }>(a: T, b: T): number {
  return modelLabel(a).localeCompare(modelLabel(b), undefined, { sensitivity: 'base', numeric: true });
}
