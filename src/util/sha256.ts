import { createHash } from "node:crypto";

/**
 * The SHA-256 of a text, in hex. A module of its own so that a command loads node:crypto (~5 ms of a start) only
 * when it hashes: `await import("./sha256.js")` is bundled into the command, while `await import("node:crypto")`
 * stays a real dynamic import there, which the code-cached script the command runs in (scripts/entry-loader.js)
 * cannot resolve on Node 20 ("A dynamic import callback was not specified").
 */
export const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");
