// Package sqluser registers a database/sql driver and opens it.
package sqluser

import (
	"database/sql"
	"database/sql/driver"
	"encoding/gob"
	"expvar"
	"image"
)

// Driver is a fake driver.
type Driver struct{}

// Open implements driver.Driver.
func (Driver) Open(string) (driver.Conn, error) { return nil, nil }

// Point is registered with gob.
type Point struct{ X, Y int }

func init() {
	sql.Register("fakedb", Driver{})
	gob.Register(Point{})
	gob.RegisterName("point.v1", &Point{})
	expvar.NewInt("requests")
	image.RegisterFormat("fake", "FAKE", nil, nil)
}

// Connect opens the driver by name (a lookup) and a misspelt one.
func Connect() {
	sql.Open("fakedb", "")
	sql.Open("fakdb", "")
}
