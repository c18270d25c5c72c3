// The `os` a cell gets in the browser: the in-memory file system's temporary folder.
export const EOL = "\n";
export const tmpdir = (): string => "/tmp";
export const platform = (): string => "browser";
export const cpus = (): unknown[] => [];
