"""The Word format: WordprocessingML written (writer.build_docx) and read (reader), laid out as
python-docx's oxml/ separates XML from the document model:

- schema: namespaces and the schema order of elements, as data (nothing else knows them)
- oxml: the lxml builders of property elements (w:rPr, w:pPr …), ordered by schema
- layout: layout.yaml merged with a report's `layout:`, and the twips Word needs
- styles: Normal, Title, Heading 1-4, document defaults, the font table
- sections: page number footers and the section properties
- body: blocks → document.xml's body, as text
- base, reference: the parts every report of a layout shares (lean base, or a reference .docx)
- parts: the fixed package parts and the document properties
- package: the deterministic zip, its stamp and the check that a file is unchanged
- container: the zip defences applied before any .docx is opened
- repair: schema fixes for what a reference document brings
- reader, lists: a .docx → paragraphs, tables and layout facts; Word's list numbers
- fast, opc, stylespart: the same reading without python-docx's object model (check at scale):
  fast the body, styles and layout facts, opc the package walk, stylespart the XML parts parsed
- layoutfacts: the page and font facts both readers compare (lengths, fonts, sizes, roles)

One way to write XML per job:

- property elements (w:rPr, w:pPr, w:tblPr …) are built with lxml by oxml.py and nowhere else,
  because the same properties go into parsed trees that are edited in place (the base's or a
  reference document's styles.xml, footers); the body takes them as text, serialised once per
  layout. The parts we edit (styles, font table, footers, content types and relationships of a
  reference, the stamp) are lxml trees for the same reason.
- the body of document.xml — paragraphs, runs and tables around the report's text — is written
  as text by body.py: it is the one part built for every report, and joining strings is several
  times faster than building and serialising elements (docs/performance.md). The user's text is
  escaped there, in one function.
- the lean base's fixed parts (content types, relationships, the document element) are literal
  text in parts.py: they hold no data and are never edited.

Nothing here imports python-docx at module level: only a reference document or a .docx being
read needs it.
"""
