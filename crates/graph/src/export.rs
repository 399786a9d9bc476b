//! Subgraphs out to the formats analysts' tools read: GraphML (yEd,
//! networkx, igraph), GEXF 1.3 (Gephi) and Cytoscape.js JSON.
//!
//! Node ids are entity ids, so two exports of overlapping subgraphs merge in
//! the tool. Edge ids are `e0`, `e1`, ... in the subgraph's order, since an
//! edge's own record id is optional and need not be unique; the record id
//! travels as the `record` attribute. Edges keep their direction (employee
//! to employer). A cut-short subgraph says so in the file, naming the
//! limits, so a partial picture is never mistaken for the whole one.
//!
//! XML 1.0 cannot carry most control characters even escaped; they are
//! written as U+FFFD. Tab, line feed and carriage return are written as
//! character references so that attribute normalisation keeps them.

use std::io::{BufWriter, Write};

use crate::graph::{EdgeRef, NodeRef};
use crate::{EdgeIx, Graph, GraphError, NodeIx, Subgraph};

fn node(graph: &Graph, n: NodeIx) -> Result<NodeRef<'_>, GraphError> {
    graph.node(n).ok_or(GraphError::NoSuchNode(n.0))
}

fn edge(graph: &Graph, e: EdgeIx) -> Result<EdgeRef<'_>, GraphError> {
    graph.edge(e).ok_or(GraphError::NoSuchEdge(e.0))
}

fn truncated(sub: &Subgraph) -> String {
    let names: Vec<&str> = sub.truncated().iter().map(|l| l.name()).collect();
    names.join(" ")
}

/// Text escaped for XML content or a double-quoted attribute.
struct Xml<'a>(&'a str);

impl std::fmt::Display for Xml<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(|c: char| needs_escape(c)) {
            f.write_str(&rest[..i])?;
            let Some(c) = rest[i..].chars().next() else {
                break;
            };
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                '\t' | '\n' | '\r' => write!(f, "&#{};", u32::from(c))?,
                _ => f.write_str("\u{fffd}")?,
            }
            rest = &rest[i + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

fn needs_escape(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{fffe}' | '\u{ffff}') || c < ' '
}

/// GraphML, with keys `label` and `schema` on nodes, `kind`, `start`, `end`
/// and `record` on edges, and `truncated` on the graph when cut short.
pub fn write_graphml<W: Write>(graph: &Graph, sub: &Subgraph, out: W) -> Result<(), GraphError> {
    let mut w = BufWriter::new(out);
    w.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    )?;
    for (id, of) in [
        ("truncated", "graph"),
        ("label", "node"),
        ("schema", "node"),
        ("kind", "edge"),
        ("start", "edge"),
        ("end", "edge"),
        ("record", "edge"),
    ] {
        writeln!(
            w,
            "  <key id=\"{id}\" for=\"{of}\" attr.name=\"{id}\" attr.type=\"string\"/>"
        )?;
    }
    w.write_all(b"  <graph id=\"G\" edgedefault=\"directed\">\n")?;
    if !sub.truncated().is_empty() {
        writeln!(w, "    <data key=\"truncated\">{}</data>", truncated(sub))?;
    }
    for &n in sub.nodes() {
        let n = node(graph, n)?;
        writeln!(
            w,
            "    <node id=\"{}\"><data key=\"label\">{}</data><data key=\"schema\">{}</data></node>",
            Xml(n.id),
            Xml(n.label),
            Xml(n.schema)
        )?;
    }
    for (i, &e) in sub.edges().iter().enumerate() {
        let e = edge(graph, e)?;
        write!(
            w,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"><data key=\"kind\">{}</data>",
            Xml(node(graph, e.from)?.id),
            Xml(node(graph, e.to)?.id),
            Xml(e.kind)
        )?;
        if let Some(d) = e.span.start {
            write!(w, "<data key=\"start\">{d}</data>")?;
        }
        if let Some(d) = e.span.end {
            write!(w, "<data key=\"end\">{d}</data>")?;
        }
        if let Some(r) = e.record {
            write!(w, "<data key=\"record\">{}</data>", Xml(r))?;
        }
        w.write_all(b"</edge>\n")?;
    }
    w.write_all(b"  </graph>\n</graphml>\n")?;
    w.flush()?;
    Ok(())
}

/// GEXF 1.3. Dated edges make the graph dynamic, with each edge's span as
/// its `start` and `end`, so Gephi's timeline can play the relationships.
pub fn write_gexf<W: Write>(graph: &Graph, sub: &Subgraph, out: W) -> Result<(), GraphError> {
    let mut w = BufWriter::new(out);
    w.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<gexf xmlns=\"http://gexf.net/1.3\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n\
  <meta>\n    <creator>clearstone</creator>\n",
    )?;
    if !sub.truncated().is_empty() {
        writeln!(
            w,
            "    <description>cut short at {}</description>",
            truncated(sub)
        )?;
    }
    w.write_all(b"  </meta>\n")?;
    let mut dated = false;
    for &e in sub.edges() {
        let span = edge(graph, e)?.span;
        dated |= span.start.is_some() || span.end.is_some();
    }
    if dated {
        w.write_all(
            b"  <graph defaultedgetype=\"directed\" mode=\"dynamic\" timeformat=\"date\">\n",
        )?;
    } else {
        w.write_all(b"  <graph defaultedgetype=\"directed\" mode=\"static\">\n")?;
    }
    w.write_all(
        b"    <attributes class=\"node\" mode=\"static\">\n\
      <attribute id=\"schema\" title=\"schema\" type=\"string\"/>\n\
    </attributes>\n\
    <attributes class=\"edge\" mode=\"static\">\n\
      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n\
      <attribute id=\"record\" title=\"record\" type=\"string\"/>\n\
    </attributes>\n    <nodes>\n",
    )?;
    for &n in sub.nodes() {
        let n = node(graph, n)?;
        writeln!(
            w,
            "      <node id=\"{}\" label=\"{}\"><attvalues><attvalue for=\"schema\" value=\"{}\"/></attvalues></node>",
            Xml(n.id),
            Xml(n.label),
            Xml(n.schema)
        )?;
    }
    w.write_all(b"    </nodes>\n    <edges>\n")?;
    for (i, &e) in sub.edges().iter().enumerate() {
        let e = edge(graph, e)?;
        write!(
            w,
            "      <edge id=\"e{i}\" source=\"{}\" target=\"{}\" label=\"{}\"",
            Xml(node(graph, e.from)?.id),
            Xml(node(graph, e.to)?.id),
            Xml(e.kind)
        )?;
        if let Some(d) = e.span.start {
            write!(w, " start=\"{d}\"")?;
        }
        if let Some(d) = e.span.end {
            write!(w, " end=\"{d}\"")?;
        }
        write!(
            w,
            "><attvalues><attvalue for=\"kind\" value=\"{}\"/>",
            Xml(e.kind)
        )?;
        if let Some(r) = e.record {
            write!(w, "<attvalue for=\"record\" value=\"{}\"/>", Xml(r))?;
        }
        w.write_all(b"</attvalues></edge>\n")?;
    }
    w.write_all(b"    </edges>\n  </graph>\n</gexf>\n")?;
    w.flush()?;
    Ok(())
}

/// Cytoscape.js elements JSON, as `cy.add` or `cytoscape({ elements })`
/// takes it: `{"data":{"truncated":[..]},"elements":{"nodes":[{"data":
/// {"id","label","schema"}}],"edges":[{"data":{"id","source","target",
/// "kind","start","end","record"}}]}}`, absent dates and records left out.
pub fn write_cytoscape<W: Write>(graph: &Graph, sub: &Subgraph, out: W) -> Result<(), GraphError> {
    let mut w = BufWriter::new(out);
    w.write_all(b"{\"data\":{\"truncated\":[")?;
    for (i, limit) in sub.truncated().iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write!(w, "\"{limit}\"")?;
    }
    w.write_all(b"]},\"elements\":{\"nodes\":[")?;
    for (i, &n) in sub.nodes().iter().enumerate() {
        let n = node(graph, n)?;
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(b"\n{\"data\":{\"id\":")?;
        json(&mut w, n.id)?;
        w.write_all(b",\"label\":")?;
        json(&mut w, n.label)?;
        w.write_all(b",\"schema\":")?;
        json(&mut w, n.schema)?;
        w.write_all(b"}}")?;
    }
    w.write_all(b"],\"edges\":[")?;
    for (i, &e) in sub.edges().iter().enumerate() {
        let e = edge(graph, e)?;
        if i > 0 {
            w.write_all(b",")?;
        }
        write!(w, "\n{{\"data\":{{\"id\":\"e{i}\",\"source\":")?;
        json(&mut w, node(graph, e.from)?.id)?;
        w.write_all(b",\"target\":")?;
        json(&mut w, node(graph, e.to)?.id)?;
        w.write_all(b",\"kind\":")?;
        json(&mut w, e.kind)?;
        if let Some(d) = e.span.start {
            write!(w, ",\"start\":\"{d}\"")?;
        }
        if let Some(d) = e.span.end {
            write!(w, ",\"end\":\"{d}\"")?;
        }
        if let Some(r) = e.record {
            w.write_all(b",\"record\":")?;
            json(&mut w, r)?;
        }
        w.write_all(b"}}")?;
    }
    w.write_all(b"]}}\n")?;
    w.flush()?;
    Ok(())
}

fn json<W: Write>(w: &mut W, s: &str) -> Result<(), GraphError> {
    serde_json::to_writer(w, s).map_err(|e| GraphError::Io(e.into()))
}
