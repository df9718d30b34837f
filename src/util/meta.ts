// JSON values in a model file's metadata, read with the file's name in every error.

/** meta[key] parsed as JSON (fallback when absent); a value that is not JSON is an error naming the file and key. */
export function metaJson<T>(meta: Record<string, string>, key: string, what: string, fallback: T): T {
  const v = meta[key];
  if (v === undefined) return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    throw new Error(`${what}: its metadata '${key}' is not JSON (${JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v)})`);
  }
}
