import { createToken, EmbeddedActionsParser, Lexer, LEXER_OPTIONS, PARSER_OPTIONS, once, type IToken, type TokenType } from "./chevrotain.js";

/**
 * nccl-tests (`all_reduce_perf` and friends) output, syntax only, every era from 2017 to 2.20:
 *  - the device lines `#  Rank  0 Group  0 Pid  31706 on host device  0 [0000:b4:00] NVIDIA ...`
 *    (`Group` since 2022, `Pid` since 2019, bus id `[0x1b]` or `[0000:b4:00]`);
 *  - the settings line `# nThread 1 nGpus 8 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 ...`;
 *  - the result rows `     1048576        262144     float     sum      -1   279.5  3.75  3.75  0  ...` as cells.
 * Callers run cheap tests (`#`, `Rank`, `nThread`, a leading digit inside a table) before a line gets here.
 */

const WS = createToken({ name: "WS", pattern: /[ \t]+/, group: Lexer.SKIPPED });
const Hash = createToken({ name: "Hash", pattern: /#/ });
const BusId = createToken({ name: "BusId", pattern: /\[(?:0x)?[0-9A-Fa-f]+(?::[0-9A-Fa-f]+)*(?:\.[0-9A-Fa-f]+)?\]/ });
const Num = createToken({ name: "Num", pattern: /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\w.\-\/])/ });
const Word = createToken({ name: "Word", pattern: /[^\s#:]+/ });
const Colon = createToken({ name: "Colon", pattern: /:/ });
const Paren = createToken({ name: "Paren", pattern: /\([^()\s]*\)/ });
const RankKw = createToken({ name: "RankKw", pattern: /Rank(?=\s)/, longer_alt: Word });
const GroupKw = createToken({ name: "GroupKw", pattern: /Group(?=\s)/, longer_alt: Word });
const PidKw = createToken({ name: "PidKw", pattern: /Pid(?=\s)/, longer_alt: Word });
const OnKw = createToken({ name: "OnKw", pattern: /on(?=\s)/, longer_alt: Word });
const DeviceKw = createToken({ name: "DeviceKw", pattern: /device(?=\s)/, longer_alt: Word });

const allTokens: TokenType[] = [WS, Hash, BusId, Paren, RankKw, GroupKw, PidKw, OnKw, DeviceKw, Num, Colon, Word];
const lexer = once(() => new Lexer(allTokens, LEXER_OPTIONS));

export interface DeviceLine {
  rank: number;
  group: number | null;
  pid: number | null;
  /** "" when the machine's host name is empty (the field is blanks) */
  host: string;
  /** null on a line a paste cut after the host */
  device: number | null;
  busId: string | null;
  gpuName: string | null;
}

export interface Cell {
  text: string;
  /** the number the cell holds, null for `N/A` and words */
  value: number | null;
}

class NcclTestsParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { ...PARSER_OPTIONS, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  deviceLine = this.RULE("deviceLine", () => {
    this.OPTION(() => this.CONSUME(Hash));
    this.CONSUME(RankKw);
    const rank = this.CONSUME(Num);
    let group: IToken | undefined;
    let pid: IToken | undefined;
    this.OPTION2(() => {
      this.CONSUME(GroupKw);
      group = this.CONSUME2(Num);
    });
    this.OPTION3(() => {
      this.CONSUME(PidKw);
      pid = this.CONSUME3(Num);
    });
    this.CONSUME(OnKw);
    const host: IToken[] = [];
    // (no host at all when the name is empty: `%10s` of "" prints blanks, `on           device  0 [0x01] ...`)
    this.MANY2(() => {
      host.push(this.OR([{ ALT: () => this.CONSUME(Word) }, { ALT: () => this.CONSUME4(Num) }, { ALT: () => this.CONSUME(Colon) }, { ALT: () => this.CONSUME(Paren) }]));
    });
    let device: IToken | undefined;
    let bus: IToken | undefined;
    // (a paste cut right after the host name keeps the rank: the device part is optional here, parseDeviceLine checks the cut)
    this.OPTION5(() => {
      this.CONSUME(DeviceKw);
      device = this.CONSUME5(Num);
      this.OPTION4(() => {
        bus = this.CONSUME(BusId);
      });
      // the GPU name: any words, read back from the text by offset
      this.MANY(() => this.OR2([{ ALT: () => this.CONSUME2(Word) }, { ALT: () => this.CONSUME6(Num) }, { ALT: () => this.CONSUME2(Colon) }, { ALT: () => this.CONSUME2(Paren) }, { ALT: () => this.CONSUME2(Hash) }, { ALT: () => this.CONSUME2(BusId) }]));
    });
    return { rank, group, pid, host, device, bus };
  });

  settings = this.RULE("settings", () => {
    const pairs: { key: IToken[]; value: IToken; unit?: IToken }[] = [];
    this.OPTION(() => this.CONSUME(Hash));
    this.AT_LEAST_ONE(() => {
      const key: IToken[] = [];
      this.AT_LEAST_ONE2(() => key.push(this.CONSUME(Word)));
      this.OPTION2(() => this.CONSUME(Colon));
      const value = this.CONSUME(Num);
      let unit: IToken | undefined;
      this.OPTION3(() => {
        unit = this.CONSUME(Paren);
      });
      pairs.push({ key, value, unit });
    });
    return pairs;
  });
}

const ncclTestsParser = once(() => new NcclTestsParser());

function tokens(text: string): IToken[] | null {
  const lexed = lexer().tokenize(text);
  return lexed.errors.length > 0 ? null : lexed.tokens;
}

const int = (t: IToken | undefined): number | null => (t ? Number.parseInt(t.image, 10) : null);

/** Reads a `# Rank N ... on HOST device D [bus] GPU name` line (`#` optional); null when it is not one. Never throws. */
export function parseDeviceLine(text: string): DeviceLine | null {
  const toks = tokens(text);
  if (!toks || toks.length === 0) return null;
  const parser = ncclTestsParser();
  parser.input = toks;
  const out = parser.deviceLine();
  if (parser.errors.length > 0 || !out) return null;
  // a line cut after its host (`#  Rank  7 Group  0 Pid 153052 on    kolyoz2`) or after the word `device` that follows it
  // (`... on 930ae2939a89 device`): one host word and nothing more
  const hostToks = !out.device && out.host.length === 2 && out.host[1].image === "device" ? out.host.slice(0, 1) : out.host;
  if (!out.device && hostToks.length !== 1) return null;
  const first = hostToks[0];
  const last = hostToks[hostToks.length - 1];
  // (a machine whose host name is empty: the field is blanks, and the line names no host)
  const host = first && last ? text.slice(first.startOffset, last.startOffset + last.image.length).trim() : "";
  const tail = out.bus ?? out.device;
  let gpuName = tail ? text.slice(tail.startOffset + tail.image.length).trim() || null : null;
  // a line cut inside its bus id (`... device  1 [0x10`): no GPU name
  if (gpuName && !out.bus && /^\[[^\]\s]*$/.test(gpuName)) gpuName = null;
  return {
    rank: int(out.rank) ?? 0,
    group: int(out.group),
    pid: int(out.pid),
    host,
    device: int(out.device),
    busId: out.bus ? out.bus.image.slice(1, -1) : null,
    gpuName,
  };
}

/**
 * Reads the settings line into `key -> value` with keys as printed, blanks made single
 * (`nThread`, `minBytes`, `step`, `warmup iters`, `agg iters`, `validation`); `step` keeps its unit
 * (`factor` or `bytes`) under `stepUnit`. Null when the text has no such pairs.
 */
export function parseSettingsLine(text: string): Record<string, number | string> | null {
  const toks = tokens(text);
  if (!toks || toks.length === 0) return null;
  const parser = ncclTestsParser();
  parser.input = toks;
  const pairs = parser.settings();
  if (parser.errors.length > 0 || !pairs) return null;
  const out: Record<string, number | string> = {};
  for (const p of pairs) {
    const key = p.key.map((t) => t.image).join(" ");
    out[key] = Number(p.value.image);
    if (p.unit) out[`${key}Unit`] = p.unit.image.replace(/^\(|\)$/g, "");
  }
  return out;
}

/** Splits a table row (or a column header) into its whitespace-separated cells. */
export function tableCells(text: string): Cell[] | null {
  const toks = tokens(text.replace(/^\s*#/, ""));
  if (!toks) return null;
  return toks.map((t) => ({ text: t.image, value: t.tokenType === Num ? Number(t.image) : null }));
}
