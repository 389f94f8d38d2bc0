package demo

import (
	"time"
)

// day is a calendar date, counted in days since 1970-01-01.
type day int32

func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func date(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats d as YYYY-MM-DD.
func (d day) String() string { return d.time().Format(time.DateOnly) }

func (d day) year() int { return d.time().Year() }

func (d day) weekend() bool {
	wd := d.time().Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// addYears returns the same calendar day years later.
func (d day) addYears(years int) day { return dayOf(d.time().AddDate(years, 0, 0)) }

// ageOn returns the age in whole years on day on.
func ageOn(born, on day) int {
	b, o := born.time(), on.time()
	age := o.Year() - b.Year()
	if o.YearDay() < b.YearDay() {
		age--
	}
	return age
}

// vietnam is the time zone of office hours and of the date in a dossier code.
var vietnam = time.FixedZone("ICT", 7*3600)

// rfc3339 formats t in UTC, the form every time column stores.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// officeTime returns a time on day d during office hours in Vietnam
// (07:30-11:30 and 13:30-17:00).
func officeTime(r *rng, d day) time.Time {
	minute := r.between(0, 449)
	if minute < 240 {
		minute += 7*60 + 30
	} else {
		minute += 13*60 + 30 - 240
	}
	y, m, dd := d.time().Date()
	return time.Date(y, m, dd, minute/60, minute%60, r.between(0, 59), 0, vietnam)
}

// localDay returns the calendar day of t in Vietnam.
func localDay(t time.Time) day { return dayOf(t.In(vietnam)) }

// nextWorkingDay returns d if it is a working day, else the Monday after.
func nextWorkingDay(d day) day {
	for d.weekend() {
		d++
	}
	return d
}

// Office hours in minutes after midnight, Vietnam time.
const (
	officeOpens  = 7*60 + 30
	officeCloses = 17 * 60
)

// addWorkingDays returns the time n working days after t, skipping Saturdays
// and Sundays. A time outside office hours counts from the next opening.
// Fractions of a day count as hours of an 8-hour working day, and n = 0
// means the close of the working day. The result is never before t.
// NOTE: public holidays (Tết, 30/4, 2/9) are not skipped.
func addWorkingDays(t time.Time, n float64) time.Time {
	local := t.In(vietnam)
	d := localDay(local)
	minute := local.Hour()*60 + local.Minute()
	second := local.Second()
	switch {
	case d.weekend():
		d, minute, second = nextWorkingDay(d), officeOpens, 0
	case minute >= officeCloses:
		d, minute, second = nextWorkingDay(d+1), officeOpens, 0
	case minute < officeOpens:
		minute, second = officeOpens, 0
	}
	if n == 0 {
		minute, second = officeCloses, 0
	}
	whole := int(n)
	for whole > 0 {
		d++
		if !d.weekend() {
			whole--
		}
	}
	minute += int((n - float64(int(n))) * 8 * 60)
	for minute > officeCloses {
		minute -= officeCloses - officeOpens
		d = nextWorkingDay(d + 1)
	}
	y, m, dd := d.time().Date()
	return time.Date(y, m, dd, minute/60, minute%60, second, 0, vietnam)
}
