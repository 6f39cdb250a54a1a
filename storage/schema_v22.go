package storage

// schemaV22 deletes, at a hub, the cells of evidence bundles of format 1,
// which carried each cell's exact sums of scores, squares and
// cross-products: a hub that knew every resident of a cell but one could
// work out the last one's scores from them. Format 2 carries only what
// the disclosure gate lets leave of a cell (package federation). The
// bundles' records stay, so that their numbers still refuse a replay; the
// hub page shows such a borough as having shared no cells until it shares
// again.
const schemaV22 = `
DELETE FROM federation_cells
`
