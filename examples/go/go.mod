module github.com/nomic-ai/gpt4all/examples/go

go 1.21
