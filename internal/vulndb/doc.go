// Package vulndb is Bulwark's local vulnerability database: OSV advisories
// imported from OSV exports (per-ecosystem all.zip files or directories of
// JSON) and from the golang.org/x/vulndb module, stored per ecosystem with
// the date of the data, and queried through the vuln matcher.
//
// Scans run offline and must say how old their data is, so the store keeps
// one dated source per ecosystem (metadata.json) and Warnings turns age and
// gaps into sentences for the report. Digest identifies the data for scan
// caches.
//
// # Layout
//
// A store is a directory (DefaultDir unless the caller chooses one):
//
//	metadata.json               format, and one Source per ecosystem
//	<Ecosystem>-<sha256[:16]>.bvdb   the compact advisories of that ecosystem
//	.lock                       serializes imports (flock)
//
// Data files are named by content and never modified; an import writes new
// ones and then renames a new metadata.json into place, which is its single
// commit point. A failed or interrupted import therefore leaves the old
// store as it was, and readers never lock.
//
// # Data files
//
// Each data file holds only what the matcher reads (id, aliases, summary
// cut to 240 bytes, CVSS vectors, the severity texts of database_specific /
// ecosystem_specific, affected packages with their versions and SEMVER /
// ECOSYSTEM ranges) in a length-prefixed binary encoding, followed by an
// index from package name to records (see format.go). Open reads only the
// indexes; a query decodes the records of its package the first time it
// is asked for, so a scan of a few hundred packages touches a few hundred
// records of a database of tens of thousands.
package vulndb
