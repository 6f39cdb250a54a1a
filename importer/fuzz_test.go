package importer

import (
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes to the CSV reader and the row parsers of
// every kind. They must never panic, and every problem they report must
// name a line or a field. Run for a minute with:
//
//	go test -run=^$ -fuzz=FuzzParse -fuzztime=1m ./importer
func FuzzParse(f *testing.F) {
	f.Add("borough,name,gss_code\ncamden,Camden,E09000007\n")
	f.Add("device,category,product,unit_cost_pence,monitored\npendant-a,community-alarm,Pendant A,9500,true\n")
	f.Add("borough,resident_ref,year_of_birth,sex,ethnic_group,living_alone,primary_support_reason,registered_on,group,enrolled_on\ncamden,CAM-1,1940,female,white,true,physical,2025-01-06,intervention,2025-02-01\n")
	f.Add("borough,resident_ref,device,issued_on,removed_on,removal_reason\ncamden,CAM-1,pendant-a,2025-02-01,2025-01-01,died\n")
	f.Add("borough,resident_ref,device,issued_on,issued_by_text\ncamden,CAM-1,pendant-a,2025-02-01,\"TEC team \u202eA\"\n")
	f.Add("borough,resident_ref,instrument,timepoint,assessed_on,respondent,answers\ncamden,CAM-1,swemwbs,baseline,2025-02-01,resident,\"swemwbs_1=3;swemwbs_2=refused\"\n")
	f.Add("\ufeffborough,name\n\"unterminated,x\n")
	f.Fuzz(func(t *testing.T, data string) {
		tab, err := newTable("f.csv", strings.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for i := 0; i < 1000; i++ {
			err := tab.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "f.csv line ") {
					t.Fatalf("error does not name the line: %v", err)
				}
				return
			}
			var errs rowErrors
			switch tab.kind {
			case Boroughs:
				tab.borough(&errs)
			case Devices:
				tab.device(&errs)
			case Residents:
				tab.resident(&errs)
			case DeviceIssues:
				tab.deviceIssue(&errs)
			case Assessments:
				tab.assessment(&errs)
			}
			for _, e := range errs {
				if e.Field == "" || e.Message == "" || !utf8.ValidString(e.Field) {
					t.Fatalf("problem without a field or message: %+v", e)
				}
			}
		}
	})
}
