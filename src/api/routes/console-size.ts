// Docker's ConsoleSize: [height, width], both positive, or absent.
import type { ConsoleSize } from '../../core/runtime/runtime.js';

export function consoleSizeOf(value: [number, number] | null | undefined): ConsoleSize | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [height, width] = value;
  return Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0 ? { height, width } : undefined;
}
