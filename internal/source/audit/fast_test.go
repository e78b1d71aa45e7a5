package audit

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// The hand-written decoder must read an event as encoding/json reads it
// into Event: every field, escapes, nulls, unknown members, raw objects.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for name, line := range map[string]string{
		"exec": execEvent,
		"full": `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"0f3a","stage":"ResponseComplete",` +
			`"requestURI":"/api/v1/namespaces/shop/pods?fieldManager=kubectl","verb":"create",` +
			`"user":{"username":"system:serviceaccount:shop:api","uid":"u-1","groups":["system:serviceaccounts","system:authenticated"],"extra":{"authentication.kubernetes.io/pod-name":["api-1"],"x":[]}},` +
			`"impersonatedUser":{"username":"bob","groups":null},"sourceIPs":["10.0.0.1","::1"],"userAgent":"kubectl/v1.33.2 (linux/amd64)",` +
			`"objectRef":{"resource":"pods","namespace":"shop","name":"web","uid":"o-1","apiGroup":"","apiVersion":"v1","resourceVersion":"42","subresource":""},` +
			`"responseStatus":{"metadata":{},"status":"Failure","message":"forbidden: \"x\"","reason":"Forbidden","code":403,"details":{"kind":"pods"}},` +
			`"requestObject":{"kind":"Pod","spec":{"containers":[{"name":"a","image":"b","args":["\u003c",1.5e3,true,null]}]}},` +
			`"responseObject" : [ 1 , {"a":"b"} ],` +
			`"requestReceivedTimestamp":"2026-12-07T10:00:00.123456Z","stageTimestamp":"2026-12-07T11:00:00+01:00",` +
			`"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by \"x\"","pod-security.kubernetes.io/enforce-policy":"restricted:latest"},"unknown":{"deep":[[{}]]}}`,
		"escapes": `{"kind":"Ev\u0065nt","apiVersion":"audit.k8s.io\/v1","auditID":"a\tb","stage":"ResponseComplete","verb":"get","user":{"username":"\u00e9lise\ud83d\ude00"},"\u0076erb":"list"}`,
		"nulls":   `{"kind":"Event","auditID":null,"user":null,"impersonatedUser":null,"sourceIPs":null,"objectRef":null,"responseStatus":null,"requestObject":null,"annotations":null,"stageTimestamp":null,"responseStatus":{"code":null}}`,
		"empty":   `{}`,
		"dups":    `{"verb":"get","verb":"delete","sourceIPs":["a"],"sourceIPs":["b","c"]}`,
		"space":   " \t{ \"kind\" : \"Event\" , \"user\" : { \"groups\" : [ ] } }\r\n",
	} {
		var want Event
		if err := json.Unmarshal([]byte(line), &want); err != nil {
			t.Fatalf("%s: encoding/json: %v", name, err)
		}
		d := newDecoder(DefaultLimits)
		if err := d.read([]byte(line)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(d.ev, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, d.ev, want)
		}
	}
}

// What encoding/json refuses the decoder refuses, with the field named.
func TestDecodeRefuses(t *testing.T) {
	for line, want := range map[string]string{
		`{"verb":["get"]}`:                       "field verb: want string, got JSON array",
		`{"user":{"groups":"a"}}`:                "field user.groups: want array",
		`{"responseStatus":{"code":1.5}}`:        "field responseStatus.code: want int32",
		`{"responseStatus":{"code":4294967296}}`: "field responseStatus.code: want int32",
		`{"stageTimestamp":"yesterday"}`:         "field stageTimestamp: want an RFC 3339 time",
		`{"objectRef":"pods"}`:                   "field objectRef: want object",
		`{"kind":"Event"} {"kind":"Event"}`:      "invalid JSON at byte",
		`{"kind":"Event"`:                        "unexpected end of JSON",
		`{"properties":{"log":{}}}`:              "field properties.log: want string",
		`{"annotations":{"a":1}}`:                "field annotations: want string, got JSON number",
		`[{"kind":"Event"}]`:                     "want object, got JSON array",
		`{"records":[{"properties":{"log":3}}]}`: "field records.properties.log: want string",
	} {
		var ev Event
		if json.Unmarshal([]byte(line), &ev) == nil && !strings.Contains(line, "log") && !strings.Contains(line, "records") {
			t.Errorf("%s: encoding/json accepts it", line)
		}
		d := newDecoder(DefaultLimits)
		err := d.read([]byte(line))
		if err == nil || !strings.Contains(jsonError(err), want) {
			t.Errorf("%s: error %v, want %q", line, err, want)
		}
	}
}

// The table of repeated strings stays bounded across lines: long values
// and more distinct values than it holds are not all kept.
func TestInternBounded(t *testing.T) {
	d := newDecoder(DefaultLimits)
	long := strings.Repeat("u", 10_000)
	for i := range 3 * maxInterned {
		line := fmt.Sprintf(`{"kind":"Event","verb":"v%d","user":{"username":"%s%d"}}`, i, long, i)
		if err := d.read([]byte(line)); err != nil {
			t.Fatal(err)
		}
		if d.ev.User.Username != fmt.Sprintf("%s%d", long, i) || d.ev.Verb != fmt.Sprintf("v%d", i) {
			t.Fatalf("line %d read wrong", i)
		}
	}
	size := 0
	for k := range d.f.interns {
		size += len(k)
	}
	if len(d.f.interns) > maxInterned || size > maxInterned*maxInternedLen {
		t.Errorf("%d interned strings, %d bytes", len(d.f.interns), size)
	}
}
