package demo

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"lienthong/vntext"
)

// catalogueRow is one row of procedures-catalogue.csv, reduced to the
// columns the procedures table uses.
type catalogueRow struct {
	code, name, sector, ministry, levels, decision string
	channels                                       []string
	timeText, timeValue, timeUnit                  string
	feeAmount, feeCurrency, feeText                string
	online2025                                     bool
	weight                                         float64
}

func (ref *refData) loadCatalogue() error {
	rows, err := readCSV("procedures-catalogue.csv")
	if err != nil {
		return err
	}
	for _, row := range rows {
		c := catalogueRow{
			code: row["procedure_code"], name: row["procedure_name"], sector: row["sector"],
			ministry: row["managing_ministry"], levels: row["levels"], decision: row["decision_no"],
			timeText: row["processing_time_text"], timeValue: row["processing_time_value"],
			timeUnit: row["processing_time_unit"], feeAmount: row["fee_amount"],
			feeCurrency: row["fee_currency"], feeText: row["fee_text"],
			online2025: row["in_online_list_2025"] == "true",
		}
		if row["channels"] != "" {
			c.channels = strings.Split(row["channels"], ";")
		}
		if s := row["portal_list_weight_2025"]; s != "" {
			c.weight, err = strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("procedures-catalogue.csv: weight of %s: %w", c.code, err)
			}
		}
		ref.catalogue = append(ref.catalogue, c)
	}
	return nil
}

// procedure is one row of the procedures table.
type procedure struct {
	code, name, sector, levels, agency, timeText string
	days                                         float64
	hasDays                                      bool
	fee                                          int64
	hasFee                                       bool
	currency, feeText                            string
	channels                                     []string // in_person, online, postal
	online                                       string
	status                                       string
	decision                                     string
	issued, amended, abolished                   day
	weight                                       float64
}

var channelNames = map[string]string{"truc_tiep": "in_person", "truc_tuyen": "online", "buu_chinh": "postal"}

// Procedures whose online service stays partial because a step needs the
// applicant or an original paper in person: card issuance with biometrics
// and certification of copies and signatures.
var partialOnlineMarkers = []string{"thẻ căn cước", "giấy chứng nhận căn cước", "sinh trắc", "chứng thực"}

// buildProcedures derives the procedures table from the catalogue. The
// values the catalogue lacks (online service level, status and its dates,
// issue date) depend only on the procedure code and AsOf, never on the
// seed, so every data set shares one catalogue.
func buildProcedures(ref *refData, asOf day) ([]procedure, error) {
	out := make([]procedure, 0, len(ref.catalogue))
	for _, c := range ref.catalogue {
		p := procedure{
			code: c.code, name: vntext.NFC(c.name), sector: c.sector, levels: c.levels,
			agency: c.ministry, timeText: c.timeText, currency: c.feeCurrency, feeText: c.feeText,
			decision: c.decision, weight: c.weight,
		}
		var err error
		p.days, p.hasDays, err = processingDays(c.timeValue, c.timeUnit)
		if err != nil {
			return nil, fmt.Errorf("procedure %s: %w", c.code, err)
		}
		if c.feeAmount != "" {
			fee, err := strconv.ParseFloat(c.feeAmount, 64)
			if err != nil {
				return nil, fmt.Errorf("procedure %s: fee %q: %w", c.code, c.feeAmount, err)
			}
			p.fee, p.hasFee = int64(math.Round(fee)), true
		}
		for _, ch := range c.channels {
			p.channels = append(p.channels, channelNames[ch])
		}
		p.online = onlineLevel(c, p.channels)
		p.status, p.issued, p.amended, p.abolished = procedureStatus(c.code, asOf, handlesDossiers(c))
		out = append(out, p)
	}
	return out, nil
}

// processingDays converts the catalogue's processing time to days: working
// days and days count as they are, hours as eighths of a working day and
// months as 22 working days. A bare number (the portal shows one for every
// civil-status procedure) counts as days.
func processingDays(value, unit string) (float64, bool, error) {
	if value == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return 0, false, fmt.Errorf("processing time %q: %w", value, err)
	}
	switch unit {
	case "Giờ":
		return v / 8, true, nil
	case "Tháng":
		return v * 22, true, nil
	case "", "Ngày", "Ngày làm việc":
		return v, true, nil
	}
	return 0, false, fmt.Errorf("unknown processing time unit %q", unit)
}

// onlineLevel derives the online service level. It is none without an
// online channel, and partial for procedures that need presence or
// originals. Otherwise a hash of the code makes 60 % of procedures full. A
// row of the December 2025 online list without channels counts as online.
func onlineLevel(c catalogueRow, channels []string) string {
	online := contains(channels, "online") || len(channels) == 0 && c.online2025
	if !online {
		return "none"
	}
	name := strings.ToLower(c.name)
	for _, m := range partialOnlineMarkers {
		if strings.Contains(name, m) {
			return "partial"
		}
	}
	if stableHash("online:"+c.code) < 0.6 {
		return "full"
	}
	return "partial"
}

// procedureStatus derives the status and its dates from a hash of the code:
// about 4 % amended and 2 % abolished within the two years before asOf, the
// rest in force. The issue date falls 3 months to 9 years before the status
// date (before asOf less 6 months for procedures in force).
// Procedures that receive dossiers are never abolished, so that no dossier
// cites an abolished procedure.
func procedureStatus(code string, asOf day, receivesDossiers bool) (status string, issued, amended, abolished day) {
	h := stableHash("status:" + code)
	changed := asOf - 1 - day(stableHash("changed:"+code)*729)
	before := day(stableHash("issued:"+code) * 3200)
	switch {
	case h < 0.02 && !receivesDossiers:
		return "abolished", changed - 90 - before, 0, changed
	case h < 0.06:
		return "amended", changed - 90 - before, changed, 0
	default:
		return "in_force", asOf - 180 - before, 0, 0
	}
}
