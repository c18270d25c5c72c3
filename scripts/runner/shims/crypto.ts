// The `crypto` a cell gets in the browser: createHash("sha256"), the one digest the book uses.
import { Buffer } from "buffer";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

export function createHash(algorithm: string) {
  if (algorithm !== "sha256")
    throw new Error(
      `crypto.createHash: only sha256 in the browser, not ${algorithm}`,
    );
  const hash = sha256.create();
  const api = {
    update(data: string | Uint8Array) {
      hash.update(
        typeof data === "string" ? new TextEncoder().encode(data) : data,
      );
      return api;
    },
    digest(encoding?: "hex") {
      const bytes = hash.digest();
      return encoding === "hex" ? bytesToHex(bytes) : Buffer.from(bytes);
    },
  };
  return api;
}
