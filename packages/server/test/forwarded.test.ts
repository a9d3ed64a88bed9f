import { describe, expect, it } from "vitest";
import { parseForwarded } from "../src/forwarded.js";

// Ported from aiohttp tests/test_web_request.py (test_*forwarded*).
describe("parseForwarded", () => {
  it("parses a single header (test_single_forwarded_header)", () => {
    const [element] = parseForwarded([
      "by=identifier;for=identifier;host=identifier;proto=identifier",
    ]);
    expect({ ...element }).toEqual({
      by: "identifier",
      for: "identifier",
      host: "identifier",
      proto: "identifier",
    });
  });

  it.each([
    ["1.2.3.4:1234", "1.2.3.4:1234"],
    ["1.2.3.4", "1.2.3.4"],
    ['"[2001:db8:cafe::17]:1234"', "[2001:db8:cafe::17]:1234"],
    ['"[2001:db8:cafe::17]"', "[2001:db8:cafe::17]"],
  ])("keeps node identifier %s (test_forwarded_node_identifier)", (input, output) => {
    expect(parseForwarded([`for=${input}`]).map((element) => ({ ...element }))).toEqual([
      { for: output },
    ]);
  });

  it("lower-cases parameter names (test_single_forwarded_header_camelcase)", () => {
    const [element] = parseForwarded([
      "bY=identifier;fOr=identifier;HOst=identifier;pRoTO=identifier",
    ]);
    expect({ ...element }).toEqual({
      by: "identifier",
      for: "identifier",
      host: "identifier",
      proto: "identifier",
    });
  });

  it("splits elements on commas (test_single_forwarded_header_multiple_param)", () => {
    const elements = parseForwarded([
      "By=identifier1,BY=identifier2,  By=identifier3 ,  BY=identifier4",
    ]);
    expect(elements.map((element) => element.by)).toEqual([
      "identifier1",
      "identifier2",
      "identifier3",
      "identifier4",
    ]);
  });

  it("unescapes quoted strings (test_single_forwarded_header_quoted_escaped)", () => {
    const [element] = parseForwarded(['BY=identifier;pROTO="\\lala lan\\d\\~ 123\\!&"']);
    expect(element!.proto).toBe("lala land~ 123!&");
  });

  it("keeps custom parameters (test_single_forwarded_header_custom_param)", () => {
    const elements = parseForwarded(['BY=identifier;PROTO=https;SOME="other, \\"value\\""']);
    expect(elements).toHaveLength(1);
    expect({ ...elements[0] }).toEqual({
      by: "identifier",
      proto: "https",
      some: 'other, "value"',
    });
  });

  it("allows empty pairs (test_single_forwarded_header_empty_params)", () => {
    const [element] = parseForwarded([";For=identifier;;PROTO=https;;;"]);
    expect({ ...element }).toEqual({ for: "identifier", proto: "https" });
  });

  it("skips a pair without separator (test_single_forwarded_header_bad_separator)", () => {
    const [element] = parseForwarded(["BY=identifier PROTO=https"]);
    expect({ ...element }).toEqual({ by: "identifier" });
  });

  it("recovers the appended element after an unterminated quote (injection1)", () => {
    const elements = parseForwarded(['for=_injected;by=", for=_real']);
    expect(elements).toHaveLength(2);
    expect(elements[0]!.by).toBeUndefined();
    expect(elements[1]!.for).toBe("_real");
  });

  it("recovers the appended element after bad syntax (injection2)", () => {
    const elements = parseForwarded(["very bad syntax, for=_real"]);
    expect(elements).toHaveLength(2);
    expect(elements[0]!.for).toBeUndefined();
    expect(elements[1]!.for).toBe("_real");
  });

  it("reads a long quoted string (test_single_forwarded_header_long_quoted_string)", () => {
    const [element] = parseForwarded([`for="${"\\\\".repeat(5000)}"`]);
    expect(element!.for).toBe("\\".repeat(5000));
  });

  it("does not backtrack on an unterminated run of backslashes", () => {
    const [element] = parseForwarded([`for="${"\\\\".repeat(50000)}`]);
    expect(element!.for).toBeUndefined();
  });

  it("reads several headers (test_multiple_forwarded_headers)", () => {
    const elements = parseForwarded([
      "By=identifier1;for=identifier2, BY=identifier3",
      "By=identifier4;fOr=identifier5",
    ]);
    expect(elements.map((element) => ({ ...element }))).toEqual([
      { by: "identifier1", for: "identifier2" },
      { by: "identifier3" },
      { by: "identifier4", for: "identifier5" },
    ]);
  });

  it("keeps one element per bad header (test_multiple_forwarded_headers_bad_syntax)", () => {
    const elements = parseForwarded(["for=_1;by=_2", "invalid value", "for=_3;by=_4"]);
    expect(elements).toHaveLength(3);
    expect(elements[0]!.for).toBe("_1");
    expect(elements[1]!.for).toBeUndefined();
    expect(elements[2]!.by).toBe("_4");
  });

  it("is not shadowed by a forged header (test_multiple_forwarded_headers_injection)", () => {
    const elements = parseForwarded(['for=_injected;by="', "for=_real;by=_actual_proxy"]);
    expect(elements).toHaveLength(2);
    expect(elements[0]!.by).toBeUndefined();
    expect({ ...elements[1] }).toEqual({ for: "_real", by: "_actual_proxy" });
  });

  it("freezes elements and survives __proto__", () => {
    const [element] = parseForwarded(["__proto__=x"]);
    expect(Object.isFrozen(element)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(element, "__proto__")?.value).toBe("x");
  });
});
