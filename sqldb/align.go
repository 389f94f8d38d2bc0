package sqldb

// Align returns one pointer per key, in key order, to the row whose key
// matches, or nil where no row does. Batch loaders need results in key
// order, while the database returns rows in its own order and omits keys
// without a row.
func Align[K comparable, R any](keys []K, rows []R, key func(*R) K) []*R {
	index := make(map[K]*R, len(rows))
	for i := range rows {
		index[key(&rows[i])] = &rows[i]
	}
	out := make([]*R, len(keys))
	for i, k := range keys {
		out[i] = index[k]
	}
	return out
}

// Group returns the rows of each key, in key order, keeping the rows' order
// within a key. A key without rows gets an empty slice.
func Group[K comparable, R any](keys []K, rows []R, key func(*R) K) [][]R {
	index := make(map[K][]R, len(keys))
	for _, r := range rows {
		k := key(&r)
		index[k] = append(index[k], r)
	}
	out := make([][]R, len(keys))
	for i, k := range keys {
		out[i] = index[k]
	}
	return out
}
