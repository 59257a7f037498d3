// Volume names, as Docker's local driver accepts them.

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export const isValidVolumeName = (name: string): boolean => VALID_NAME.test(name);

/** Docker's message for a bad name (the "create <name>: " prefix is added by the caller). */
export const invalidNameMessage = (name: string): string =>
  `"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`;
