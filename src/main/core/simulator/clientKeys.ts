import type { JWK } from 'jose';

// The simulator's own signing keys for clients that authenticate with `private_key_jwt`
// (RFC 7523 client assertions). They are NOT any real client's keys: a real client's private key
// never leaves it. The key is fixed rather than generated per run because `simulate` and `serve`
// are often two processes: the reference server's built-in copy of the client's JWKS
// (builtInClientMetadata.ts) must hold the public half of the key the simulator signs with, so
// the server verifies a real signature. Publishing this private key is harmless: no server
// trusts it except through the built-in copy.

/** The RSA key the ChatGPT profile signs its client assertions with (RS256, as ChatGPT's document says). */
export const CHATGPT_SIMULATOR_KID = 'mcp-inspector-chatgpt-sim-1';

const CHATGPT_SIMULATOR_KEY: JWK = {
  kty: 'RSA',
  kid: CHATGPT_SIMULATOR_KID,
  alg: 'RS256',
  use: 'sig',
  n: 'sohnNNTlNA19gMqJ6zcVi7JsFUwbbjU48YcTA-maXiW8airrTmpfmVTWsEBvIEDg5zXrGx2y5fqbYNfVSPOtDSbj9XaZg0MNUoouqmuuw2fsUk9jrTh8WKqu1fOomcz-gQnU6xHU9vpQq6Tdm2aPjG6S2s4hOxeJuapVSkvPA5p1MxfIYbG0iD8Y2rU0quDjMMLELygNd6_xCkn5Q9RiFaQV8qVto9Y472hF2HymgkqhaG2TlTQIglwKix_BQ7jUjfrSpj6SPy_DO64FRp6-49XaPCBHQwFGqRi6vb89GalZpWYeK0Wh6ne79DNxY99NL4bxZnlxC3Oeo817YkXGKQ',
  e: 'AQAB',
  d: 'AjG9_v684HJn__y9TDhNmf1z6aEZVzXtQL61w58L6CtTkQR9BuY0zZgm2Vy5YO6bNQxLGva2-6-kWEDe3Lot_tLjC2HNSjk5QTH0l-Ch8cHlvC9AnODsWlSiuHt5r4Y-_IwH42nBMdXqxulMVfwhOIslX-4Xp3fHGBKZYMPkw_kNPufC2swTfmqMZK_O_LQFVxyvyY3id2ZyINKdI7WDsB4UAoMJyxoPTqA6jthOSDb_aoF-O0WwlskgDhK0GLxcW8t08mahcF709xfj_sSbhwhlcfWMC82wrbk8dQ1JDLutZHNs669OBIv_1UjgpWcWjrEk_BUrNyZc9DUv-WP4mQ',
  p: '68qDYO9jR2Z8o_iFpM0IbXEtoeGdJQpsOkMCSsXmP4rMNu3Lbx-di1UFfqfxLBzvloK3LF1JS3iTcq5Qw2bnRIKYyAqrDKgc_rAT5TTDQgB31gT5KWDTu09rugzwA4pZ3uVsXG-pIA_8oVQlbllRGOLVCM5lXot9nsENMmL69D0',
  q: 'wdWWi9Fa4zPck_RlYFl5GgQ41zjUebyWVjx6ETrShIve-0afvK8sT_KRcD5pv9T6i0sf16P_wiGNNmOjjlQr83iccU6j8LF8LO59BF6TugXf2dVEq_6MGZmVbUq2uIVi04nYlf-NWL5ZS3p8UNEdjTLjRczyIVX8AUsbwg9b_F0',
  dp: 'q827PH4w0G2Uk8UZW6MpaNT2cuV5IuwdP7ZjjSf1RIdVlRBfEnDu0f75Kfgkegf7aqeD4Ad4yEzq4rywjDAGgpzFxbxANdCoj8qsNG3ld8nvhznIcqXioLCVxdJ3b5z3Lrnr4s5ZZMtBQCuXunfJ52Af6XK52dG5jlsLypLkV-E',
  dq: 'l82s76dwZMvzDjSzSHgKLePsmDG7xfN6UeNfPisxP_lDEsvGwkD2lU5FtQBMVZ548apOL9YSsXkRXO0_5HHrUey9qMeMAS8fLxk_87IWQ_Ph0noCJClgk5QCwOtomq5sLXuhkifoDP5WdJRi0_BSEokuETZm0tDCYkjuXlclFUk',
  qi: 'Ffu1vh9s-fV9ezXdYmtQbF0WlY_WqulkK_tnpUqhml20HeW1zAGDe2nOm78Yf12IJiL5c7MXs7Vb4vttLBINVT2YV7ruXsQXkwL5LDNn39eqvBL_2keD5oBOB223B_N9QU3UBTsFd9XofwJfKCK5OTEUw-gFtsn_t4jV_LqUzYQ',
};

const KEYS: readonly JWK[] = [CHATGPT_SIMULATOR_KEY];

/** The private JWK a profile signs with, by key id. */
export function simulatorSigningKey(kid: string): JWK | undefined {
  return KEYS.find((key) => key.kid === kid);
}

/** The public half of a simulator key (what its client's JWKS publishes). */
export function publicJwk(key: JWK): JWK {
  const { kty, kid, alg, use, n, e, crv, x, y } = key;
  return Object.fromEntries(Object.entries({ kty, kid, alg, use, n, e, crv, x, y }).filter(([, v]) => v !== undefined)) as JWK;
}
