import { isIP } from "node:net";
import type { Report } from "../facts/schema.js";
import { isClockTriple } from "../../grammars/nccl.js";

/*
 * Redaction for reports that leave the machine: consistent pseudonyms, so that the same host or address
 * reads the same everywhere (matrix, node pairs, evidence lines, file names), and secrets replaced by
 * numbered placeholders. It runs on the finished report object (and the kept events), before any renderer,
 * and on every message vllm-doctor prints on stderr while --redact is on.
 *
 * What it looks for is data: DETECTORS below, each with examples it must redact and near-misses it must leave
 * alone (test/redact-detectors.test.ts runs them all). Every pattern is entered only where a run of the
 * characters it reads begins (a lookbehind), so a crafted line of 64 K characters costs linear time.
 */

export interface RedactOptions {
  /** also replace model names and paths (config.model, servedModelName) */
  models?: boolean;
}

/** Names and addresses that stay readable because they reveal nothing about a site. */
const KEEP_IPS = new Set(["0.0.0.0", "127.0.0.1", "::", "::1", "255.255.255.255"]);

/** Public domains that name projects and documentation, never a site: kept, with their subdomains. */
const PUBLIC_DOMAINS = ["example.invalid", "github.com", "githubusercontent.com", "vllm.ai", "huggingface.co", "hf.co", "pytorch.org", "nvidia.com", "python.org", "pypi.org", "ray.io", "kubernetes.io", "docker.com", "docker.io", "nccl.dev"];

/** Top-level labels of host names found on their own: the public ones and what sites use inside (RFC 6761/6762 included). */
const HOST_TLDS = "com|net|org|io|ai|dev|cloud|edu|gov|mil|local|localdomain|internal|intranet|lan|corp|intra|cluster|svc|private|example|test|invalid|home";
/**
 * First labels that make a dotted name code or a fact path, not a host: Python in a traceback's source line
 * (`self.net`, `logger.info`) and the report's own fact paths (`nccl.net`, `config.model`).
 */
const CODE_WORDS = new Set(["nccl", "kvcache", "memory", "gpu", "bench", "distributed", "server", "facts", "state", "self", "cls", "super", "torch", "np", "numpy", "os", "sys", "logger", "logging", "math", "nn", "f", "ray", "vllm", "path", "threading", "asyncio", "socket", "json", "re", "time", "model", "args", "config"]);

/** File-name endings that follow a host name in a log's name and are not a domain (gpu-node-7.log). */
const FILE_EXT = "log|txt|out|err|gz|json|jsonl|ndjson|csv|md|html|xml|sarif|yaml|yml|py|sh|tar|zip|zst|xz|bz2";

/** The last characters of a key whose value is a secret whatever it looks like (api_key, HF_TOKEN, AWS_SECRET_ACCESS_KEY). */
const SECRET_KEY = /(?:api[_-]?key|apikey|token|secret|secret[_-]?access[_-]?key|access[_-]?key(?:[_-]?id)?|passw(?:or)?d|passphrase|credentials?|private[_-]?key|client[_-]?secret)$/i;
/** A key whose value names a machine: MASTER_ADDR, master_addr, VLLM_HOST_IP, host, hostname, node_ip, NODE_NAME, POD_NAME, SLURMD_NODENAME. */
const ADDRESS_KEY = /(?:^|[_.-])(?:master[_-]?addr(?:ess)?|addr(?:ess)?|host(?:name)?|host[_-]?ip|node[_-]?ip|ip|head[_-]?node|(?:slurmd[_-]?)?node[_-]?name|pod[_-]?name)$/i;
/** A key whose value is a login name: USER, LOGNAME, SUDO_USER, user, username. */
const USER_KEY = /(?:^|[_.-])(?:user(?:[_-]?name)?|log(?:in|name)|sudo[_-]?user)$/i;
/** Values under an address key that name no site. */
const PLAIN_VALUE = /^(?:localhost|none|null|true|false|auto|\d+|0\.0\.0\.0|::|\*)$/i;
/** What stands right before a version number (v0.10.1.1, version 2.21.5.1, vLLM 0.10.1.1, vllm==0.10.1.1): never an address. */
const VERSION_BEFORE = /(?:\bv|version(?:\s+(?:is|was))?|\bver|release|vllm|nccl|cuda|torch|python|driver|==|>=|<=|~=)\s*[:=]?\s*['"]?$/i;

export interface Detector {
  id: string;
  /** what it finds and what it becomes (docs/hostile-input.md lists these) */
  what: string;
  /** global; the replacement gets the match, its groups, its offset and the whole text */
  pattern: RegExp;
  replace(r: Redactor, m: string, groups: (string | undefined)[], at: number, text: string): string;
  /** texts it must redact, each with the part that must be gone afterwards */
  redacts: [string, string][];
  /** near-misses: texts that must come out unchanged (versions, hashes, durations, rank:device pairs, ...) */
  keeps: string[];
  /** a detector of addresses: not run on a value under a version key */
  address?: boolean;
}

const secret = (prefixGroups = 0) => (r: Redactor, m: string, g: (string | undefined)[]) => {
  const prefix = g.slice(0, prefixGroups).join("");
  return prefix + r.secret(m.slice(prefix.length));
};

export const DETECTORS: Detector[] = [
  {
    id: "hf-token",
    what: "Hugging Face tokens (`hf_…`) → `redacted-secret-N`",
    pattern: /(?<![\w-])hf_[A-Za-z0-9]{20,}/g,
    replace: secret(),
    redacts: [["HF_HUB_TOKEN hf_AbCdEfGhIjKlMnOpQrStUvWx", "hf_AbCdEfGhIjKlMnOpQrStUvWx"]],
    keeps: ["hf_transfer enabled", "self.hf_config", "use hf_hub_download"],
  },
  {
    id: "api-key",
    what: "OpenAI/Anthropic-style keys (`sk-…`) → `redacted-secret-N`",
    pattern: /(?<![\w-])sk-[A-Za-z0-9_-]{16,}/g,
    replace: secret(),
    redacts: [["key sk-proj-9f8e7d6c5b4a39281706", "9f8e7d6c5b4a39281706"], ["sk-ant-api03-AAAAbbbbCCCCdddd1234", "AAAAbbbbCCCCdddd1234"]],
    keeps: ["import sk-learn", "task-12345678901234567890 done"],
  },
  {
    id: "github-token",
    what: "GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`) → `redacted-secret-N`",
    pattern: /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
    replace: secret(),
    redacts: [["token ghp_0123456789abcdefABCDEFxyz", "0123456789abcdefABCDEFxyz"], ["github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "11ABCDEFG0123456789"]],
    keeps: ["ghp_ short", "github_pat_"],
  },
  {
    id: "gitlab-token",
    what: "GitLab personal access tokens (`glpat-…`) → `redacted-secret-N`",
    pattern: /(?<![\w-])glpat-[A-Za-z0-9_-]{20,}/g,
    replace: secret(),
    redacts: [["CI_TOKEN glpat-AbCdEf0123456789xYzW", "AbCdEf0123456789xYzW"]],
    keeps: ["glpat- docs"],
  },
  {
    id: "slack-token",
    what: "Slack tokens (`xoxb-…`) → `redacted-secret-N`",
    pattern: /(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,}/g,
    replace: secret(),
    redacts: [["xoxb-123456789012-abcdefABCDEF", "123456789012-abcdefABCDEF"]],
    keeps: ["xoxo-kisses"],
  },
  {
    id: "aws-key-id",
    what: "AWS access key ids (`AKIA…`, `ASIA…`) → `redacted-secret-N`",
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g,
    replace: secret(),
    redacts: [["id AKIAIOSFODNN7EXAMPLE used", "IOSFODNN7EXAMPLE"]],
    keeps: ["AKIA is a prefix", "AKIAIOSFODNN7EXAMPLEXX9"],
  },
  {
    id: "jwt",
    what: "JSON web tokens (`eyJ….….…`), bare or after Bearer → `redacted-secret-N`",
    pattern: /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g,
    replace: secret(),
    redacts: [["cookie=x eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.ZmFrZXNpZw", "c2VjcmV0LXBheWxvYWQ"]],
    keeps: ["eyJ alone", "eyJhbGciOiJIUzI1NiJ9 with no dot"],
  },
  {
    id: "bearer",
    what: "`Authorization: Bearer|Basic|Token <value>` and `bearer <value>` in any case → `redacted-secret-N`",
    pattern: /(?<![\w-])((?:authorization:\s*(?:basic|token|bearer)|bearer)\s+)(?!redacted-secret-)([A-Za-z0-9._~+/=-]{6,})/gi,
    replace: secret(1),
    redacts: [["Authorization: bearer abcdef123456", "abcdef123456"], ["AUTHORIZATION: BEARER QWERTY987654", "QWERTY987654"], ["Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"]],
    keeps: ["bearer of bad news", "the bearer: 5"],
  },
  {
    id: "url-credentials",
    what: "credentials in URLs (`https://user:pass@`, `redis://:pass@`, `postgres://user@`) → `scheme://redacted-secret-N@`",
    // the password may hold a `/` (AWS secret keys do) when what follows the `:` is no port; a user already replaced (an
    // AWS key id, a GitHub token) still has its password replaced
    pattern: /(?<![\w+.-])([A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/)(?!redacted-secret-\d+@)([^\s/?#@'"]{1,256}|[^\s/?#@'":]{0,128}:(?!\d{1,5}[/@])[^\s?#@'"]{1,256})@/g,
    replace: (r, _m, g) => `${g[0]}${r.secret(g[1]!)}@`,
    redacts: [
      ["https://alice:s3cret@proxy.corp.example:3128", "s3cret"], ["redis://:hunter2@cache:6379/0", "hunter2"], ["postgres://admin:pw1234@db/x", "admin:pw1234"],
      ["s3://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY@bucket/x", "K7MDENG"], ["https://ghp_0123456789abcdefABCDEFxyz:x-oauth-pw77@github.com/o/r", "x-oauth-pw77"],
    ],
    keeps: ["https://huggingface.co/meta-llama/Llama-3.1-8B", "file:///tmp/x@y", "git+https://github.com/vllm-project/vllm@v0.10.1", "see https://huggingface.co:443/org/m@main"],
  },
  {
    id: "shell-prompt",
    what: "a shell prompt pasted with the command (`alice@gpu-node-7:~/vllm$`, `bob@node5:/data`) → `user-N@host-N:`",
    pattern: /(?<![\w.%+@-])([a-z_][a-z0-9_.-]{0,31})@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63}){0,8}):(?=[~/])/g,
    replace: (r, m, g) => (isPublicDomain(g[1]!) || /^host-\d+$/.test(g[1]!) ? m : `${r.pseudo("users", g[0]!, "user-")}@${r.host(g[1]!)}:`),
    redacts: [["(vllmNext) pc@pc-System-Product-Name:~/data/vllm$ vllm serve", "pc-System"], ["scp bob@node5.lab.example:/data/x .", "bob"]],
    keeps: ["model@main: 3", "ssh git@gitlab: denied", "a@b:c"],
  },
  {
    id: "quoted-secret",
    what: "a quoted value under a secret's name, blanks and all (`'password': 'two words'`, `--api-key \"a b\"`) → `redacted-secret-N`",
    pattern: /(?<![\w.-])((?:--)?[A-Za-z_][\w.-]{0,127})(['"]?\s*(?:[=:]\s*)?)(['"])(?!redacted-secret-\d+['"])([^'"\n]{1,256})\3/g,
    replace: (r, m, g) => {
      const key = g[0]!.replace(/^--/, "").replace(/-/g, "_");
      if (!SECRET_KEY.test(key) || (!g[0]!.startsWith("--") && !/[=:]/.test(g[1]!)) || /^(?:None|null)$/.test(g[3]!)) return m;
      return `${g[0]}${g[1]}${g[2]}${r.secret(g[3]!)}${g[2]}`;
    },
    redacts: [["{'password': 'two words here'}", "words here"], ["--api-key \"my key 1\"", "key 1"], ["DB_PASSWORD=\"p w\"", "p w"]],
    keeps: ["'model': 'meta llama', 'token': None", "password 'abc'", "'max_tokens': '8 192'"],
  },
  {
    id: "email",
    what: "e-mail addresses → `email-N@example.invalid`",
    pattern: /(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g,
    replace: (r, m) => `${r.pseudo("emails", m.toLowerCase(), "email-")}@example.invalid`,
    redacts: [["contact jane.doe+ops@corp.example.com now", "jane.doe"], ["Author: Bob <bob@acme.io>", "bob@acme"]],
    keeps: ["pip install torch==2.1.0", "model@main", "@property", "git@github"],
  },
  {
    id: "cli-secret-flag",
    what: "the value of `--api-key`, `--hf-token`, `--token`, `--password`, `--secret` and flags ending so → `redacted-secret-N`",
    pattern: /(?<![\w-])(--[\w-]*?(?:api[-_]key|token|password|passwd|secret)(?:=|\s+)['"]?)(?!redacted-secret-|None\b|-)([^\s'",)\]}]+)/gi,
    replace: secret(1),
    redacts: [["--api-key=topsecret99 --port 8000", "topsecret99"], ["--hf-token hf_x_topsecret", "hf_x_topsecret"], ["--db-password 'pw'", "pw'"]],
    keeps: ["--max-num-batched-tokens 8192", "--tokenizer-mode auto", "--api-key --port 1"],
  },
  {
    id: "key-value",
    what: "`key=value` / `key: value` / `'key': 'value'`: under a secret's name (api_key, HF_TOKEN, AWS_SECRET_ACCESS_KEY, password, credentials) → `redacted-secret-N`; under an address's name (MASTER_ADDR, host, hostname, VLLM_HOST_IP, NODE_NAME, POD_NAME) a host name → `host-N`; under a login's name (USER, LOGNAME, username) → `user-N`",
    // only a key that ends as a secret's, an address's or a login's name is read with its value: any other key's value
    // (`url=https://x/?token=…`, the `//…` after `http:`) would hide the key-value inside it
    pattern: /(?<![\w.-])((?=[A-Za-z_])[\w.-]*?(?:key|token|secret|id|passw(?:or)?d|passphrase|credentials?|addr(?:ess)?|host(?:name)?|ip|node|name|user|login))(['"]?\s*[=:]\s*(?:\[\s*)?['"]?)(?!None\b|null\b|False\b|True\b|redacted-secret-|host-\d|user-\d)([^\s'",)\]}]+)/gi,
    replace: (r, m, g) => {
      const key = g[0]!.length > 64 ? g[0]!.slice(-64) : g[0]!;
      const value = g[2]!;
      if (SECRET_KEY.test(key) && value.length >= 4) return g[0]! + g[1]! + r.secret(value);
      if (USER_KEY.test(key) && /^[A-Za-z_][\w.-]*$/.test(value) && !PLAIN_VALUE.test(value) && !/^(?:root|user-\d+)$/.test(value)) return g[0]! + g[1]! + r.pseudo("users", value, "user-");
      if (ADDRESS_KEY.test(key) && /^[A-Za-z]/.test(value) && !PLAIN_VALUE.test(value) && !isIP(value)) return g[0]! + g[1]! + r.host(value.replace(/\.$/, "")) + (value.endsWith(".") ? "." : "");
      return m;
    },
    redacts: [
      ["'api_key': ['k-9999999']", "k-9999999"], ["AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG", "wJalrXUtnFEMIK7MDENG"], ["OPENAI_API_KEY=abcd1234", "abcd1234"],
      ["MASTER_ADDR=head-node.cluster.local", "head-node"], ["'host': 'db-primary'", "db-primary"], ["hostname: trainer-17", "trainer-17"],
      ["USER=carol home=/x", "carol"], ["'username': 'dana.k'", "dana.k"], ["url=https://x.example/a?token=qtok1234&b=1", "qtok1234"], ["GET http://10.0.0.1:8000/v1?api_key=k1234567", "k1234567"],
      ["SLURMD_NODENAME=gpu-node-s17", "gpu-node-s17"], ["K8S_NODE_NAME=gke-pool-a-1b2c POD_NAME=vllm-0-abcde", "gke-pool"],
    ],
    keeps: ["api_key=None token: null", "max_num_batched_tokens=8192 tokens: 5", "host: localhost", "USER=root user: None role: user", "user_id=42", "served_model_name=my-model-7b", "MASTER_PORT=29500", "INFO 07-25 10:11:12", "host=0.0.0.0", "rank 3: cuda:3"],
  },
  {
    id: "model",
    // (before the home folders: a model at /home/alice/llama is model-1 as a whole, not /home/user-1/llama)
    what: "with --redact-models: the model's name and path as the report names them → `model-N`",
    pattern: /(?!)/g,
    replace: (_r, m) => m,
    redacts: [],
    keeps: [],
  },
  {
    id: "user-path",
    what: "the user name in home folders: `/home/alice`, `home/alice` (relative), `/Users/alice`, `C:\\Users\\alice` → `user-N`",
    pattern: /(?<![\w~-])((?:[A-Za-z]:)?[/\\]?(?:home|Users)[/\\])(?!user-\d)([^/\\\s'":,)\]}]+)/g,
    replace: (r, _m, g) => g[0]! + r.pseudo("users", g[1]!, "user-"),
    redacts: [["/Users/ann/x", "ann"], ["/home/ann/y", "ann"], ["cd home/alice/runs", "alice"], ["C:\\Users\\frank\\logs", "frank"]],
    keeps: ["/root/z", "/homework/a", "/var/home", "myhome/x"],
  },
  {
    id: "known-host",
    what: "host names the report names (NCCL line prefixes, hosts, rank map, origins, MASTER_ADDR), with any domain after them, also inside file names → `host-N`",
    pattern: /(?!)/g,
    replace: (_r, m) => m,
    redacts: [["node7:12:12 [0] NCCL INFO x", "node7"], ["logs/node7_rank0.log", "node7"], ["node7.corp.example.com", "corp.example"]],
    keeps: ["node70 mynode7 node7-b", "cuda:0 rank 3"],
    address: true,
  },
  {
    id: "nccl-peer",
    what: "a host name as NCCL prints a peer's address, `name<port>` (`Connect to gpu-node-7.site.quebec<43511>`) → `host-N`",
    pattern: /(?<![\w.%:<>-])([A-Za-z][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){0,8})<\d{1,5}>/g,
    replace: (r, m, g) => (namesNoSite(g[0]!) ? m : r.host(g[0]!) + m.slice(g[0]!.length)),
    redacts: [["closed by remote peer ng30903-ib.narval.calcul.quebec<51159>", "narval"], ["Connect to trainer-3<43511> failed", "trainer-3"]],
    keeps: ["Using [1]%veth75fa783<0> ib0:x<0>", "localhost<29500>", "std::array<4>"],
    address: true,
  },
  {
    id: "bracket-host",
    what: "a host name in brackets before a port, as PyTorch's c10d prints it (`failed to connect to [trainer-3]:29500`) → `host-N`",
    pattern: /(?<![\w\]])\[([A-Za-z][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){0,8})\]:(?=\d{1,5}(?!\d))/g,
    replace: (r, m, g) => (namesNoSite(g[0]!) ? m : `[${r.host(g[0]!)}]:`),
    redacts: [["[c10d] The client socket has failed to connect to [trainer-master-3]:29500 (errno: 111)", "trainer-master-3"], ["to [gpu-rack9-n4.hpc]:29500", "rack9"]],
    keeps: ["[rank0]:[W socket.cpp:663] [c10d] The server socket", "[localhost]:29500", "items[idx]:3 and [0]:1"],
    address: true,
  },
  {
    id: "url-host",
    what: "the host of a network URL (`http://inference-01:8000`, `redis://cache-1:6379`, `tcp://head:29500`) → `host-N`, except public project domains",
    pattern: /(?<![\w+.-])((?:https?|wss?|tcp|udp|grpcs?|redis|rediss|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|amqps?|nats|kafka|ftp|sftp|ssh|ray|etcd|nfs|smb|ldaps?):\/\/(?:redacted-secret-\d+@)?)([A-Za-z][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){0,8})(?![\w.-])/gi,
    replace: (r, m, g) => (namesNoSite(g[1]!) ? m : g[0]! + r.host(g[1]!)),
    redacts: [["Started on http://inference-01:8000/v1", "inference-01"], ["redis://redacted-secret-1@cache-1:6379/0", "cache-1"], ["ray://head-node:10001", "head-node"]],
    keeps: ["https://huggingface.co/meta-llama/Llama-3.1-8B", "http://localhost:8000/v1", "https://docs.vllm.ai/en/latest", "s3://bucket/model", "hf://org/model"],
    address: true,
  },
  {
    id: "ec2-host",
    what: "EC2 host names (`ip-10-0-1-23.ec2.internal`) → `host-N`",
    pattern: /(?<![\w-])ip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}(?:\.[A-Za-z0-9-]+)*(?![\w-])/g,
    replace: (r, m) => r.host(m),
    redacts: [["on ip-10-0-1-23.ec2.internal now", "10-0-1-23"]],
    keeps: ["zip-1-2-3-4"],
    address: true,
  },
  {
    id: "domain-name",
    what: `host names with a domain (\`db.corp.example\`, \`node17.cluster.local\`, \`*.svc\`) whose last label is one of ${HOST_TLDS.split("|").length} site or public endings, except public project domains (github.com, vllm.ai, huggingface.co, …) → \`host-N\``,
    pattern: new RegExp(`(?<![\\w.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+(?:${HOST_TLDS})(?![\\w-]|\\.[A-Za-z0-9])`, "gi"),
    // a name called like a function, or whose first label is a Python word, is code in a traceback: kept
    replace: (r, m, _g, at, text) => (isPublicDomain(m) || /^\s*\(/.test(text.slice(at + m.length, at + m.length + 4)) || CODE_WORDS.has(m.slice(0, m.indexOf(".")).toLowerCase()) ? m : r.host(m)),
    redacts: [["connect to db.corp.example failed", "db.corp"], ["node17.cluster.local:6379", "node17"], ["vllm-head.default.svc", "vllm-head"], ["gpu-node-07.corp.example.com", "gpu-node-07"]],
    keeps: ["core.py config.json model.safetensors", "torch.cuda.OutOfMemoryError", "logger.info(msg)", "self.net = x", "facts nccl.net and nccl.netPlugin", "threading.local()", "Path.home() / x", "vllm.entrypoints.openai.api_server", "see https://docs.vllm.ai/en/latest", "github.com/vllm-project", "nccl.h v0.10.1 2.21.5"],
    address: true,
  },
  {
    id: "mac",
    what: "MAC addresses (`00:1a:2b:3c:4d:5e`) → `mac-N`",
    pattern: /(?<![\w:-])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![\w:-])/g,
    replace: (r, m) => r.pseudo("macs", m.toLowerCase().replace(/-/g, ":"), "mac-"),
    redacts: [["link/ether 00:1a:2b:3c:4d:5e brd", "2b:3c:4d"]],
    keeps: ["10:11:12", "rank 3:1 dev 2", "00:1a:2b:3c:4d"],
    address: true,
  },
  {
    id: "ipv4",
    what: "IPv4 addresses except 0.0.0.0, loopback and broadcast → a documentation address (192.0.2.N, RFC 5737); never a version (`v0.10.1.1`, `version 1.2.3.4`)",
    pattern: /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)/g,
    replace: (r, m, _g, at, text) => (isIP(m) === 4 && !KEEP_IPS.has(m) && !VERSION_BEFORE.test(text.slice(Math.max(0, at - 24), at)) ? r.ip(m) : m),
    redacts: [["and 10.0.1.23:29500", "10.0.1.23"], ["Connect to 10.42.7.11<43511>", "10.42.7.11"]],
    keeps: ["vLLM v0.10.1.1", "vLLM 0.10.1.1 on a.log", "vllm.version is 0.10.1.1", "version 0.10.1.1", "vllm==0.10.1.1", "127.0.0.1 and 0.0.0.0", "1.2.3.4.5", "took 1.234.5 s"],
    address: true,
  },
  {
    id: "iface-ipv6",
    what: "an IPv6 address after an interface name, as NCCL prints it (`eth0:fe80::…%eth0<0>`) → `2001:db8::N`",
    pattern: /(?<![\w-])([A-Za-z][\w.-]{0,15}:)([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?![\w:])/g,
    replace: (r, m, g) => (isIP(g[1]!) === 6 && !KEEP_IPS.has(g[1]!.toLowerCase()) ? g[0]! + r.ip(g[1]!.toLowerCase()) : m),
    redacts: [["OOB eth0:fe80::a00:27ff:fe4e:66a1%eth0<0>", "27ff:fe4e"]],
    keeps: ["c10d::ProcessGroup", "ib0:1/IB"],
    address: true,
  },
  {
    id: "ipv6",
    what: "IPv6 addresses (link-local ones carry the MAC in their EUI-64 form) except `::` and `::1` → `2001:db8::N`",
    pattern: /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])/g,
    replace: (r, m) => (isIP(m) === 6 && !KEEP_IPS.has(m.toLowerCase()) ? r.ip(m.toLowerCase()) : m),
    redacts: [["[fe80::1ff:fe23:4567:890a%eth0]", "fe23:4567"], ["addr fe80:0000:0000:0000:021a:2bff:fe3c:4d5e/64", "2bff:fe3c"], ["2001:4860:4860::8888", "4860::8888"]],
    keeps: ["::1 10:11:12 c10d::ProcessGroup", "rank 0:1:2", "sha 1f2e:3d"],
    address: true,
  },
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A name a host detector leaves: no site (`localhost`, a number), a pseudonym already, or a public project's domain. */
function namesNoSite(name: string): boolean {
  return PLAIN_VALUE.test(name) || /^host-\d+$/.test(name) || isPublicDomain(name);
}

function isPublicDomain(name: string): boolean {
  const n = name.toLowerCase();
  return PUBLIC_DOMAINS.some((d) => n === d || n.endsWith(`.${d}`));
}

export class Redactor {
  private readonly maps = new Map<string, Map<string, string>>();
  private readonly hosts = new Map<string, string>();
  private readonly ips = new Map<string, string>();
  private hostPattern: RegExp | null = null;
  private modelPattern: RegExp | null = null;

  constructor(private readonly opts: RedactOptions = {}) {}

  /** Learns host names first, in sorted order, so pseudonyms do not depend on where a name first appears. */
  learnHosts(names: Iterable<string>): void {
    const fresh = [...new Set(names)].filter((h) => h && !this.hosts.has(h) && !isIP(h) && !/^host-\d+$/.test(h)).sort();
    for (const h of fresh) this.hosts.set(h, `host-${this.hosts.size + 1}`);
    const all = [...this.hosts.keys()].sort((a, b) => b.length - a.length);
    // a known name, and the domain after it (not a file name's ending): gpu-node-7.corp.example.com is host-1 as a whole
    this.hostPattern = all.length
      ? new RegExp(`(?<![A-Za-z0-9-])(?:${all.map(escapeRe).join("|")})(?:\\.(?!(?:${FILE_EXT})(?![A-Za-z0-9-]))[A-Za-z][A-Za-z0-9-]*)*(?![A-Za-z0-9-])`, "g")
      : null;
  }

  learnModels(names: Iterable<string>): void {
    if (!this.opts.models) return;
    const models = this.map("models");
    for (const m of [...new Set(names)].filter(Boolean).sort()) if (!models.has(m)) models.set(m, `model-${models.size + 1}`);
    const all = [...models.keys()].sort((a, b) => b.length - a.length);
    this.modelPattern = all.length ? new RegExp(all.map(escapeRe).join("|"), "g") : null;
  }

  /** Replaces every secret, user name, model, host and address in one string (no address under a version key). */
  text(s: string, opts: { version?: boolean } = {}): string {
    let t = s;
    for (const d of DETECTORS) {
      if (opts.version && d.address) continue;
      if (d.id === "model") {
        if (this.modelPattern) t = t.replace(this.modelPattern, (m) => this.map("models").get(m) ?? m);
        continue;
      }
      if (d.id === "known-host") {
        if (this.hostPattern) t = t.replace(this.hostPattern, (h) => this.host(h));
        continue;
      }
      t = t.replace(d.pattern, (m: string, ...rest: unknown[]) => {
        // (match, groups..., offset, whole text)
        const at = rest[rest.length - 2] as number;
        const whole = rest[rest.length - 1] as string;
        return d.replace(this, m, rest.slice(0, -2) as (string | undefined)[], at, whole);
      });
    }
    return t;
  }

  /** A deep copy of any JSON value with every string (keys included) redacted. */
  value<T>(v: T): T {
    return this.walk(v, "") as T;
  }

  private walk(v: unknown, key: string): unknown {
    if (typeof v === "string") return this.text(v, { version: /version$/i.test(key) });
    if (Array.isArray(v)) return v.map((x) => this.walk(x, key));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        // a value under a secret's name (api_key, hf_token, HF_TOKEN, password) is a secret whatever it looks like
        out[this.text(k)] = typeof x === "string" && SECRET_KEY.test(k) && x.length > 0 && !/^(None|null|redacted-secret-\d+)$/.test(x) ? this.secret(x) : this.walk(x, k);
      }
      return out;
    }
    return v;
  }

  /** Host names the detectors found that were not learned (MASTER_ADDR=…, a URL's host, NCCL's peer<port>, a domain name). */
  readonly found = new Set<string>();

  /** The pseudonym of a host name (a name the report did not list gets the next number). */
  host(h: string): string {
    const known = this.hosts.get(h) ?? this.hosts.get(h.split(".")[0]);
    if (known) return known;
    this.found.add(h);
    this.hosts.set(h, `host-${this.hosts.size + 1}`);
    return this.hosts.get(h)!;
  }

  secret(s: string): string {
    return this.pseudo("secrets", s, "redacted-secret-");
  }

  pseudo(kind: string, key: string, prefix: string): string {
    const map = this.map(kind);
    if (!map.has(key)) map.set(key, `${prefix}${map.size + 1}`);
    return map.get(key)!;
  }

  private map(kind: string): Map<string, string> {
    let m = this.maps.get(kind);
    if (!m) this.maps.set(kind, (m = new Map()));
    return m;
  }

  /** IPv4 pseudonyms stay addresses, from the documentation ranges (RFC 5737), so a reader still sees an IP. */
  ip(ip: string): string {
    const cur = this.ips.get(ip);
    if (cur) return cur;
    const n = this.ips.size;
    const nets = ["192.0.2.", "198.51.100.", "203.0.113."];
    const v = ip.includes(":") ? `2001:db8::${(n + 1).toString(16)}` : n < 762 ? `${nets[Math.floor(n / 254)]}${(n % 254) + 1}` : `ip-${n + 1}`;
    this.ips.set(ip, v);
    return v;
  }
}

const NCCL_HOST_PREFIX = /(?<![^\s])([A-Za-z0-9][A-Za-z0-9._-]{0,253}):(\d+):(\d+) \[\d+\] NCCL /g;

/** Host names a report (and its events) names: NCCL hosts, node pairs, rank map, origins, NCCL line prefixes. */
export function hostsOf(report: Report, events: readonly unknown[] = []): Set<string> {
  const hosts = new Set<string>();
  const n = report.facts.nccl;
  for (const h of n.hosts) hosts.add(h);
  for (const p of n.nodePairs) {
    hosts.add(p.a);
    if (p.b) hosts.add(p.b);
  }
  for (const c of n.communicators ?? []) for (const h of c.hosts) hosts.add(h);
  for (const r of n.rankMap) if (r.host) hosts.add(r.host);
  for (const master of [report.facts.config.masterAddr, report.facts.config.dataParallelAddress]) if (master && !isIP(master) && master !== "localhost") hosts.add(master);
  const scan = (s: string) => {
    // (a clock before a hostless record is no host: grammars/nccl.ts)
    for (const m of s.matchAll(NCCL_HOST_PREFIX)) if (!isClockTriple(m[1], m[2], m[3])) hosts.add(m[1]);
  };
  const visit = (v: unknown, depth: number): void => {
    if (depth > 12) return;
    if (typeof v === "string") scan(v);
    else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "host" && typeof x === "string") hosts.add(x);
        visit(x, depth + 1);
      }
    }
  };
  visit(report, 0);
  visit(events, 0);
  hosts.delete("localhost");
  for (const h of [...hosts]) if (isIP(h) || h.length < 2) hosts.delete(h);
  return hosts;
}

/** The redactor a report's redaction used, kept so stderr messages of the same run read the same pseudonyms. */
let lastRedactor: Redactor | null = null;

/** The report and events with hosts, addresses, user names and secrets (and models, when asked) replaced. */
export function redactReport<E>(report: Report, events: readonly E[] = [], opts: RedactOptions = {}): { report: Report; events: E[] } {
  const r = redactorOf(report, events, opts);
  lastRedactor = r;
  return { report: r.value(report), events: r.value([...events]) };
}

/** A redactor that knows the report's hosts and models. */
function redactorOf(report: Report, events: readonly unknown[], opts: RedactOptions): Redactor {
  const known = hostsOf(report, events);
  const c = report.facts.config;
  const models = [c.model, c.servedModelName].filter((m): m is string => typeof m === "string" && m.length > 1);
  // A first pass finds the host names only a detector sees (MASTER_ADDR=trainer-3, http://inference-01:8000, NCCL's
  // `peer.site.quebec<43511>`, c10d's `[trainer-3]:29500`): learned as known hosts, each is then replaced wherever the
  // report names it, also bare (`ping trainer-3` in a remedy, `trainer-3 on port 29500` in a message). A bare word
  // (`cache` of redis://cache:6379) is replaced only where a detector sees it: as a known host it would take every
  // `cache` of the report with it.
  const probe = new Redactor(opts);
  probe.learnHosts(known);
  probe.value(report);
  probe.value([...events]);
  const r = new Redactor(opts);
  r.learnHosts(known);
  r.learnHosts([...probe.found].filter((h) => h.length >= 3 && /[\d.-]/.test(h)));
  r.learnModels(models);
  return r;
}

/**
 * Stderr and live messages (with --redact) from now on use the pseudonyms of this report, before there is a
 * final one: `--follow` prints findings as they come, with the hosts the log has shown so far.
 */
export function redactMessagesWith(report: Report, opts: RedactOptions = {}): void {
  if (redactMessages) lastRedactor = redactorOf(report, [], opts);
}

let redactMessages = false;

/** --redact: from now on every message on stderr (errors, notices, failed inputs) is redacted too (a run's start: no pseudonyms of an earlier one). */
export function redactStderr(on: boolean): void {
  redactMessages = on;
  lastRedactor = null;
}

/** A message for stderr, redacted when --redact is on (with the pseudonyms of the report, once there is one). */
export function messageText(s: string): string {
  if (!redactMessages) return s;
  lastRedactor ??= new Redactor();
  return lastRedactor.text(s);
}
