import { createToken, EmbeddedActionsParser, Lexer, LEXER_OPTIONS, PARSER_OPTIONS, once, type IToken, type TokenType } from "./chevrotain.js";

/**
 * The `Label: value ...` rows that benchmark tools print, syntax only:
 *  - `vllm bench serve` result rows: `Successful requests:                     1000      `,
 *    `P99.9 TTFT (ms):  12.5`, `Failed requests:   0   <<<<<<< note` (anything after the value is kept apart);
 *  - nccl-tests footers once the `#` is off: `Out of bounds values : 0 OK`, `Avg bus bandwidth    : 87.36 `;
 *  - offline results: `Throughput: 7.15 requests/s, 4656.00 total tokens/s, ...`, `Avg latency: 0.57 seconds`,
 *    `Total num prompt tokens:  5014`.
 * The label is the text before the first colon (spacing normalised); the value is the first token after it.
 * Callers decide by cheap string tests which lines reach this parser.
 */

const WS = createToken({ name: "WS", pattern: /[ \t]+/, group: Lexer.SKIPPED });
const Colon = createToken({ name: "Colon", pattern: /:/ });
const Comma = createToken({ name: "Comma", pattern: /,/ });
const Num = createToken({ name: "Num", pattern: /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\w.%])/ });
const Word = createToken({ name: "Word", pattern: /[^\s:,]+/ });

const allTokens: TokenType[] = [WS, Colon, Comma, Num, Word];
const lexer = once(() => new Lexer(allTokens, LEXER_OPTIONS));

export interface RowPart {
  /** the token as written */
  text: string;
  /** a plain number (`1000`, `0.21`, `1e-07`) */
  number: boolean;
}

export interface LabelRow {
  /** the label with runs of blanks made one space: `Benchmark duration (s)` */
  label: string;
  /** the first token after the colon, or null when the row stops at the colon (a cut paste) */
  value: RowPart | null;
  /** the tokens after the value, commas included as `,` */
  rest: RowPart[];
}

class LabelRowParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, PARSER_OPTIONS);
    this.performSelfAnalysis();
  }

  row = this.RULE("row", (): { labelTokens: IToken[]; after: IToken[] } => {
    const labelTokens: IToken[] = [];
    const after: IToken[] = [];
    this.AT_LEAST_ONE(() => {
      const t = this.OR([{ ALT: () => this.CONSUME(Word) }, { ALT: () => this.CONSUME(Num) }, { ALT: () => this.CONSUME(Comma) }]);
      labelTokens.push(t);
    });
    this.CONSUME(Colon);
    this.MANY(() => {
      const t = this.OR2([
        { ALT: () => this.CONSUME2(Word) },
        { ALT: () => this.CONSUME2(Num) },
        { ALT: () => this.CONSUME2(Comma) },
        { ALT: () => this.CONSUME2(Colon) },
      ]);
      after.push(t);
    });
    return { labelTokens, after };
  });
}

const labelRowParser = once(() => new LabelRowParser());

const part = (t: IToken): RowPart => ({ text: t.image, number: t.tokenType === Num });

/** Reads one `Label: value ...` row; null when the text has no such shape. Never throws. */
export function parseLabelRow(text: string): LabelRow | null {
  const lexed = lexer().tokenize(text);
  if (lexed.errors.length > 0 || lexed.tokens.length === 0) return null;
  const parser = labelRowParser();
  parser.input = lexed.tokens;
  const out = parser.row();
  if (parser.errors.length > 0 || !out) return null;
  const first = out.labelTokens[0];
  const last = out.labelTokens[out.labelTokens.length - 1];
  const label = text.slice(first.startOffset, last.startOffset + last.image.length).replace(/\s+/g, " ");
  const [value, ...rest] = out.after.map(part);
  return { label, value: value ?? null, rest };
}
