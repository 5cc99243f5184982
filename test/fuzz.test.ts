import { fuzzAnyBytes } from "./helpers/fuzz-bytes.js";

// (test/helpers/fuzz-bytes.ts: the generators and properties; test/scale/fuzz.test.ts runs them with more cases)
fuzzAnyBytes({ chunking: 150, lines: 1000, identical: 250, gzip: 100 });
