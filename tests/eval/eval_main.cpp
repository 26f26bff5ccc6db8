// Placeholder until the labelled evaluation set lands (detection work, issue 2).
int main() { return 0; }
