import { fuzzAnyBytes } from "./helpers/fuzz-bytes.js";

// (test/helpers/fuzz-bytes.ts: the generators and properties; test/scale/fuzz.test.ts runs them with more cases)
fuzzAnyBytes({ chunking: 100, lines: 600, identical: 150, gzip: 60 });
