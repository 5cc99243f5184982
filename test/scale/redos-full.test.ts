import { describe, it } from "vitest";
import { linearOnItsPieces, SIGNATURES } from "../helpers/redos.js";

/** test/fuzz-hostile.test.ts's linearity of every signature on its own pieces, with each filler after a piece (npm test tries a blank). */
describe("fuzz: every signature stays linear on its own pathological shapes, every filler", () => {
  for (const [name, re] of SIGNATURES) {
    it(`${name}: every piece, repeated and followed by a blank, a letter or a colon, at 8 K and 32 K characters`, () => linearOnItsPieces(name, re, [" ", "a", ":"]));
  }
});
