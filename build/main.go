package main

import (
	_ "github.com/apache/arrow/go/v16/arrow/ipc"
	_ "github.com/goyek/goyek/v2"
	_ "github.com/goyek/x/boot"
	_ "github.com/klauspost/compress/zstd"
	_ "gonum.org/v1/gonum/mat"
	_ "gonum.org/v1/plot/vg/draw"
	_ "gonum.org/v1/plot/plotter"
	_ "gonum.org/v1/plot/vg/vgimg"
	_ "gonum.org/v1/plot/vg/vgsvg"
	_ "gopkg.in/yaml.v3"
	_ "golang.org/x/sys/cpu"
	_ "golang.org/x/sys/unix"
)

func main() {}
