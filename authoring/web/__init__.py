"""The workbench: `authoring serve` opens the report in the browser, to draft, check and deliver
it without a terminal or YAML. A thin skin over the library, like the command line."""
