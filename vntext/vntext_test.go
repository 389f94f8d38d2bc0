package vntext

import "testing"

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"precomposed", "Nguyễn Văn An", "nguyen van an"},
		{"combining_marks", "Nguye\u0302\u0303n Va\u0306n An", "nguyen van an"},
		{"d_with_stroke", "Đặng Thị Đào", "dang thi dao"},
		{"extra_spaces", "  Trần   Thị  Bích ", "tran thi bich"},
		{"upper_case", "LÊ HOÀNG", "le hoang"},
		{"zero_width", "Nguy\u200bễn\ufeff Văn\u200d An", "nguyen van an"},
		{"no_break_space", "Nguyễn\u00a0Văn An", "nguyen van an"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNFC(t *testing.T) {
	decomposed := "Nguye\u0302\u0303n"
	if got := NFC(decomposed); got != "Nguyễn" {
		t.Errorf("NFC(%q) = %q, want %q", decomposed, got, "Nguyễn")
	}
}
