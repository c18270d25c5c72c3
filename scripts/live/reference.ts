// Reference lines for the playground's loss chart.
import type { Tokenizer } from "../../lib/data";
import type { Config } from "../../lib/config";
import { positionCount, trainingTokens } from "../../lib/train";

/**
 * The training loss of the best bigram model: a table of how often each token follows each
 * other in these documents, scored on them the way training scores a step (the mean over a
 * document's positions, then the mean over documents). A GPT that only looked at the last
 * letter would level off here; one that uses more context can go below.
 */
export function bigramLoss(
  docs: readonly string[],
  tok: Tokenizer,
  config: Config,
): number {
  const V = tok.vocabSize;
  const pairs = new Float64Array(V * V);
  const encoded = docs.map((doc) => {
    const tokens = trainingTokens(tok, doc, config);
    const n = positionCount(tokens, config);
    for (let p = 0; p < n; p++) pairs[tokens[p] * V + tokens[p + 1]]++;
    return { tokens, n };
  });
  const rowTotal = new Float64Array(V);
  for (let a = 0; a < V; a++)
    for (let b = 0; b < V; b++) rowTotal[a] += pairs[a * V + b];
  let total = 0;
  for (const { tokens, n } of encoded) {
    let doc = 0;
    for (let p = 0; p < n; p++) {
      const a = tokens[p];
      doc -= Math.log(pairs[a * V + tokens[p + 1]] / rowTotal[a]);
    }
    total += doc / n;
  }
  return total / encoded.length;
}
