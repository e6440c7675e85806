// Some WAHA clients percent-encode ids twice ("120363…%2540g.us"), so after Fastify's own decoding a
// route decodes once more. The second pass must not throw on a lone "%" or a broken UTF-8 escape: a
// URIError there became a 500. Such a value is used as written and the route's validation judges it.
export function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
