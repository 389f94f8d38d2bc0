package demo

import "strconv"

// ledger records what must stay unique, or keep counting, from one shard of
// the data set to the next: personal ids, household, enterprise and dossier
// sequences, registration books and row ids. Only the generator touches it,
// one shard at a time.
type ledger struct {
	personalIDs     map[int64]struct{}
	householdSeq    []int // households registered per commune index
	enterpriseCodes map[string]bool
	enterpriseNames map[string]bool
	books           map[bookKey]int    // entries per registration book
	dossierSeq      map[dossierDay]int // dossiers per receiving unit and day
	registrations   int64              // registration ids issued
	residences      int64              // residence ids issued
}

// bookKey names a civil status register: one book per office, kind and year.
type bookKey struct {
	commune, kind string
	year          int
}

// dossierDay is a receiving unit on one day in Vietnam, the scope of the
// sequence number in a dossier code.
type dossierDay struct {
	unit string
	on   day
}

func newLedger(citizens, communes int) *ledger {
	return &ledger{
		personalIDs:     make(map[int64]struct{}, citizens),
		householdSeq:    make([]int, communes),
		enterpriseCodes: map[string]bool{},
		enterpriseNames: map[string]bool{},
		books:           map[bookKey]int{},
		dossierSeq:      map[dossierDay]int{},
	}
}

// shardCitizens is the largest number of citizens generated at once. A
// shard of a million citizens peaks at about 4 GiB while it is generated
// (measured on linux/amd64 with Go 1.26), so larger data sets are generated
// and written one shard after another and memory stays bounded at any size.
const shardCitizens = 1_000_000

// shardSizes splits citizens into shards of at most limit citizens, as
// equal as they can be.
func shardSizes(citizens, limit int) []int {
	n := (citizens + limit - 1) / limit
	sizes := make([]int, n)
	for i := range sizes {
		sizes[i] = citizens / n
		if i < citizens%n {
			sizes[i]++
		}
	}
	return sizes
}

// stream names the random stream of one generation step in one shard. The
// first shard uses the bare step name, so a data set that fits in one shard
// does not depend on shardCitizens.
func stream(step string, shard int) string {
	if shard == 0 {
		return step
	}
	return step + "#" + strconv.Itoa(shard)
}
