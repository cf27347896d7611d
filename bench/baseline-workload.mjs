// The machine's baseline: a fixed piece of single-threaded JavaScript of the kind trustwatch runs
// (JSON, strings, regular expressions, sets, sorting), timed in a fresh process. The same Node on two
// machines takes times in the ratio of their speed, so figures can be compared across machines through it.
const start = performance.now();
let check = 0;
for (let i = 0; i < 60_000; i++) {
  const text = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Condition: { StringLike: { sub: `repo:org-${i % 97}/app-${i}:ref:refs/heads/*` } } },
    ],
  });
  const sub = JSON.parse(text).Statement[0].Condition.StringLike.sub;
  check += /^repo:([^/]+)\/([^:]+):ref:refs\/heads\/(.*)$/.exec(sub)[2].length;
  check += new Set(sub.split(/[:/]/)).size;
}
const numbers = Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) % 1000003).sort((a, b) => a - b);
check += numbers[1000];
process.stdout.write(JSON.stringify({ ms: performance.now() - start, check }));
